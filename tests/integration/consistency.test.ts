import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDefined } from '../../lib/assert';
import type { Bar } from '../../lib/candles';
import { toPrice, toQuantity, type Instrument } from '../../lib/instrument';
import { INTERVAL_SECONDS, type Interval } from '../../lib/intervals';
import type { ApiBar, Frame, Refused } from '../../lib/protocol';
import { quoteFromSnapshot, SNAPSHOT } from '../../lib/quote';
import { closeClients, connectClient } from '../support/feed-client';
import { closeTestFeeds, startTestFeed, type TestFeed } from '../support/test-feed';
import { sleep } from '../support/wait';

const SYMBOL = 'BTC-USD';
const QUOTED = ['BTC-USD', 'ETH-USD', 'AAPL', 'EURUSD'];
const INTERVALS: Interval[] = ['1s', '1m'];
const ACK_BARS = 300;
const API_BARS = 400;

let feed: TestFeed;

beforeAll(async () => {
  feed = await startTestFeed();
});
afterAll(async () => {
  closeClients();
  await closeTestFeeds();
});

function accepted<T extends { ok: true }>(ack: T | Refused): T {
  if (!ack.ok) throw new Error(`refused: ${ack.error.code} ${ack.error.message}`);
  return ack;
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(`${feed.url}${path}`);
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

const decimal = (bar: Bar, instrument: Instrument): ApiBar => ({
  time: bar.time,
  open: toPrice(bar.open, instrument),
  high: toPrice(bar.high, instrument),
  low: toPrice(bar.low, instrument),
  close: toPrice(bar.close, instrument),
  volume: toQuantity(bar.volume, instrument),
});

describe('a client after 10 s of live streaming', () => {
  it("holds exactly the server's quotes and the same 1s and 1m bars as GET /api/candles", async () => {
    const client = connectClient(feed);
    accepted(await client.subscribe(QUOTED));
    for (const interval of INTERVALS) {
      accepted(await client.subscribeCandles({ symbol: SYMBOL, interval, limit: ACK_BARS }));
    }
    const subscribedAt = Math.floor(feed.clock.now() / 1000);

    await sleep(10_000);

    // Freeze the market and send what the last flush window gathered: after this the server's state stays put
    // and every client has been sent all of it.
    feed.stopSource();
    feed.fanOut.flush();
    // socket.io delivers in order, so when this acknowledgement arrives every frame sent before it has been
    // applied. Re-subscribing also asks for fresh snapshots, which must equal what the deltas built.
    accepted(await client.subscribe(QUOTED));

    const { mirror } = client;
    expect(mirror.seqSteps).toEqual([]);
    expect(mirror.gaps).toEqual([]);
    expect(mirror.strays).toEqual([]);

    expect(mirror.resyncs.map(({ snapshot }) => snapshot[0])).toEqual(QUOTED);
    for (const { snapshot, held } of mirror.resyncs) {
      const [symbol, seq, mask, ...values] = snapshot;
      expect(held.stale, symbol).toBe(false);
      expect(held.quote, symbol).toEqual({ ...feed.market.quote(symbol) });
      expect(seq, symbol).toBe(held.seq);
      expect(mask, symbol).toBe(SNAPSHOT);
      expect(quoteFromSnapshot(values), symbol).toEqual(held.quote);
      // Ten seconds of deltas went by, not just the first snapshot.
      expect(held.seq, symbol).toBeGreaterThan(0);
    }

    const frames = [...client.frames];
    const { symbols } = await getJson<{ symbols: Instrument[] }>('/api/symbols');
    const instrument = ensureDefined(symbols.find((i) => i.symbol === SYMBOL));
    for (const interval of INTERVALS) {
      const streamed = frames.filter((frame: Frame) =>
        frame.c?.some(([s, i]) => s === SYMBOL && i === interval),
      );
      expect(streamed.length, `${interval} candle entries`).toBeGreaterThan(10);

      const ours = ensureDefined(mirror.bars(SYMBOL, interval)).map((bar) => decimal(bar, instrument));
      const api = await getJson<{ bars: ApiBar[] }>(
        `/api/candles?symbol=${SYMBOL}&interval=${interval}&limit=${API_BARS}`,
      );
      const from = Math.max(ensureDefined(ours[0]).time, ensureDefined(api.bars[0]).time);
      const overlap = (bars: ApiBar[]) => bars.filter((bar) => bar.time >= from);
      expect(overlap(ours), interval).toEqual(overlap(api.bars));
      expect(overlap(ours).length, interval).toBeGreaterThanOrEqual(ACK_BARS);
      // The overlap reaches into what was streamed, not only what the acknowledgement carried.
      expect(ensureDefined(ours.at(-1)).time + INTERVAL_SECONDS[interval], interval).toBeGreaterThan(
        subscribedAt,
      );
    }

    // The board and the chart agree: the last price is the close of the newest 1s bar.
    const newest = ensureDefined(mirror.bars(SYMBOL, '1s')?.at(-1));
    expect(mirror.quote(SYMBOL)?.last).toBe(newest.close);
  });
});
