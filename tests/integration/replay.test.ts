import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { INTERVALS } from '../../lib/intervals';
import { configWith } from '../../server/config';
import { startFeedServer, type FeedServer } from '../../server/feed-server';
import { createLogger } from '../../server/logger';
import { closeTestFeeds, startTestFeed } from '../support/test-feed';
import { ensureDefined } from '../../lib/assert';
import { sleep, waitFor } from '../support/wait';

const folder = mkdtempSync(join(tmpdir(), 'tickerboard-replay-'));
const replays: FeedServer[] = [];
afterAll(async () => {
  await closeTestFeeds();
  await Promise.all(replays.map((server) => server.close()));
  rmSync(folder, { recursive: true, force: true });
});

async function startReplay(path: string, speed: number): Promise<FeedServer> {
  const config = configWith({
    PORT: 0,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    HISTORY_BARS: 500,
    FEED: [`replay:${path}`],
    REPLAY_SPEED: speed,
  });
  const server = await startFeedServer({ config, logger: createLogger('silent') });
  replays.push(server);
  return server;
}

async function post(server: FeedServer, body: unknown) {
  const response = await fetch(`http://127.0.0.1:${server.port}/api/replay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('record and replay', () => {
  it('replays a recorded run as fast as it can into the same bars, for every symbol and interval', async () => {
    const runs = join(folder, 'run');
    mkdirSync(runs);
    // Tuesday 11 March 2025, 19:59:56 New York: post-market closes during the recording, and the UTC day turns,
    // so the recording rotates into a second file.
    const recording = await startTestFeed({
      RECORD: join(runs, 'run.ndjson'),
      HISTORY_BARS: 500,
      SIM_START: Date.UTC(2025, 2, 11, 23, 59, 56),
    });
    await sleep(6000);
    recording.stopSource();
    const symbols = recording.market.instruments.map((instrument) => instrument.symbol);

    expect(recording.recorder?.files).toEqual([join(runs, 'run.ndjson'), join(runs, 'run.1.ndjson')]);

    const replay = await startReplay(runs, 0);
    await waitFor(() => replay.replay?.state().ended === true, 20_000, 'the end of the replay');
    expect(replay.market.instruments.map((instrument) => instrument.symbol)).toEqual(symbols);
    let compared = 0;
    for (const symbol of symbols) {
      expect(replay.market.quote(symbol), symbol).toEqual(recording.market.quote(symbol));
      for (const interval of INTERVALS) {
        const bars = recording.market.bars(symbol, interval, 100_000);
        expect(replay.market.bars(symbol, interval, 100_000), `${symbol} ${interval}`).toEqual(bars);
        compared += bars.length;
      }
      expect(replay.market.status(symbol), symbol).toBe(recording.market.status(symbol));
    }
    expect(compared).toBeGreaterThan(50_000);
    // The close happened live: AAPL went from live to closed during the recording, and the replay says so too.
    expect(recording.market.status('AAPL')).toBe('closed');
    expect(replay.market.status('AAPL')).toBe('closed');
  });

  it('pauses, plays at a speed, and seeks back to rebuild the market as it was then', async () => {
    const file = join(folder, 'controls.ndjson');
    const recording = await startTestFeed({
      RECORD: file,
      HISTORY_BARS: 500,
      SIM_START: Date.UTC(2025, 2, 11, 15, 0),
    });
    await sleep(3000);
    recording.stopSource();

    const replay = await startReplay(file, 1);
    const paused = await post(replay, { action: 'pause' });
    expect(paused).toMatchObject({ status: 200, body: { paused: true, speed: 1, ended: false } });
    const at = paused.body.position as number;
    await sleep(300);
    expect(replay.replay?.state().position).toBe(at);

    expect((await post(replay, { speed: 50 })).body).toMatchObject({ speed: 50 });
    await post(replay, { action: 'play' });
    await waitFor(() => replay.replay?.state().ended === true, 10_000, 'the end at 50 times real time');

    // A second before the end (the recording's clock: when the market received each event).
    const midway = Math.round(ensureDefined(replay.replay).state().end - 1000);
    // Back to a moment in the middle: the market holds what the recording run held then, nothing later.
    const seek = await post(replay, { seek: midway });
    expect(seek.body).toMatchObject({ position: midway, ended: false });
    const btc = replay.market.bars('BTC-USD', '1s', 100_000);
    expect(btc.at(-1)?.time).toBeLessThanOrEqual(Math.floor(midway / 1000));
    expect(replay.market.quote('BTC-USD')?.time).toBeLessThanOrEqual(midway);
    // The same bars as the recording run had before then (over the span both still keep).
    const from = btc[0]?.time ?? 0;
    const before = (bar: { time: number }) => bar.time >= from && bar.time < Math.floor(midway / 1000) - 1;
    expect(btc.filter(before)).toEqual(recording.market.bars('BTC-USD', '1s', 100_000).filter(before));
    expect(btc.filter(before).length).toBeGreaterThan(100);

    expect((await post(replay, { speed: -1 })).status).toBe(400);
    expect((await post(replay, { seek: 'soon' })).status).toBe(400);
  });
});
