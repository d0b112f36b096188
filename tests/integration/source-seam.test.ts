import { afterAll, describe, expect, it } from 'vitest';
import type { Bar } from '../../lib/candles';
import type { Lots, Ticks, UnixMillis, UnixSeconds } from '../../lib/nominal';
import type { ListedInstrument } from '../../lib/protocol';
import { configWith } from '../../server/config';
import { startFeedServer, type FeedServer } from '../../server/feed-server';
import { createLogger } from '../../server/logger';
import { CATALOGUE } from '../../server/source/catalogue';
import { Simulator } from '../../server/source/simulator';
import { systemClock } from '../../server/clock';
import { testInstruments } from '../support/arbitraries';
import { FeedClient } from '../support/feed-client';
import { ScriptedSource } from '../support/scripted-source';
import { waitFor } from '../support/wait';

const [relayed] = testInstruments(['VENUE:AAA']) as [ListedInstrument];
const bar = (time: number, open: number, high: number, low: number, close: number, volume: number): Bar => ({
  time: time as UnixSeconds,
  open: open as Ticks,
  high: high as Ticks,
  low: low as Ticks,
  close: close as Ticks,
  volume: volume as Lots,
});

let server: FeedServer;
let url: string;
const venue = new ScriptedSource('venue');
const config = configWith({ PORT: 0, HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
const simulator = new Simulator({ seed: 1, instruments: CATALOGUE.slice(0, 3), clock: systemClock });

afterAll(async () => {
  await server.close();
});

async function symbols(): Promise<ListedInstrument[]> {
  const response = await fetch(`${url}/api/symbols`);
  return ((await response.json()) as { symbols: ListedInstrument[] }).symbols;
}

describe('the source seam', () => {
  it('serves several sources at once, each instrument with its source and status', async () => {
    server = await startFeedServer({
      config,
      source: [simulator, venue],
      logger: createLogger('silent'),
    });
    url = `http://127.0.0.1:${server.port}`;
    const listed = await symbols();
    expect(listed.map((i) => [i.symbol, i.source, i.status])).toEqual(
      CATALOGUE.slice(0, 3).map((i) => [i.symbol, 'sim', 'live']),
    );
  });

  it('lists an instrument a source learns after start, stale until its data flows', async () => {
    venue.send({ type: 'instrument', instrument: relayed, source: 'venue', status: 'stale' });
    const listed = await symbols();
    expect(listed.find((i) => i.symbol === 'VENUE:AAA')).toMatchObject({ source: 'venue', status: 'stale' });
  });

  it('tells a connected client every status on connection, then each change once', async () => {
    const client = new FeedClient(url);
    await client.connected();
    await waitFor(() => client.statusUpdates.length === 1, 2000, 'the first status update');
    const first = client.statusUpdates[0]?.symbols ?? [];
    expect(first.map(([symbol, status, source]) => [symbol, status, source])).toContainEqual([
      'VENUE:AAA',
      'stale',
      'venue',
    ]);
    expect(first).toHaveLength(4);

    venue.send({ type: 'status', symbol: 'VENUE:AAA', status: 'live' });
    venue.send({ type: 'status', symbol: 'VENUE:AAA', status: 'live' });
    venue.send({ type: 'status', symbol: 'VENUE:AAA', status: 'stale' });
    venue.send({ type: 'status', symbol: 'VENUE:AAA', status: 'live' });
    await waitFor(() => client.statusUpdates.length === 2, 2000, 'the change');
    // One update per turn, with the symbol's latest status only.
    expect(client.statusUpdates[1]?.symbols.map(([s, status]) => [s, status])).toEqual([
      ['VENUE:AAA', 'live'],
    ]);
    expect((await symbols()).find((i) => i.symbol === 'VENUE:AAA')?.status).toBe('live');
    client.close();
  });

  it('takes a source`s bars in place of its own and reads the day fields off them, with no bid or ask yet', async () => {
    const day = Math.floor(Date.now() / 86_400_000) * 86_400;
    venue.send({
      type: 'bars',
      symbol: 'VENUE:AAA',
      interval: '1d',
      bars: [bar(day - 86_400, 90, 110, 80, 100, 7), bar(day, 100, 130, 95, 120, 9)],
    });
    venue.send({
      type: 'bars',
      symbol: 'VENUE:AAA',
      interval: '1d',
      bars: [bar(day, 100, 140, 95, 125, 11)],
    });
    expect(server.market.bars('VENUE:AAA', '1d', 10)).toEqual([
      bar(day - 86_400, 90, 110, 80, 100, 7),
      bar(day, 100, 140, 95, 125, 11),
    ]);
    expect(server.market.quote('VENUE:AAA')).toMatchObject({
      last: 125,
      open: 100,
      high: 140,
      low: 95,
      volume: 11,
      prevClose: 100,
      bid: 0,
      ask: 0,
    });
  });

  it('adds a later trade to a bar given as of a time, and it becomes the close', async () => {
    const minute = Math.floor(Date.now() / 60_000) * 60;
    venue.send({
      type: 'bars',
      symbol: 'VENUE:AAA',
      interval: '1m',
      bars: [bar(minute, 100, 105, 99, 101, 3)],
      asOf: (minute * 1000 + 20_000) as UnixMillis,
    });
    venue.send({
      type: 'trade',
      symbol: 'VENUE:AAA',
      time: (minute * 1000 + 20_000) as UnixMillis,
      price: 98 as Ticks,
      size: 2 as Lots,
      tradeId: 1,
    });
    expect(server.market.bars('VENUE:AAA', '1m', 1)).toEqual([bar(minute, 100, 105, 98, 98, 5)]);
  });

  it('reports each source`s health on /healthz', async () => {
    venue.setHealth({ state: 'down', reason: 'venue unreachable', since: 5 as UnixMillis });
    const body = (await (await fetch(`${url}/healthz`)).json()) as { sources: Record<string, unknown> };
    expect(body.sources).toEqual({
      sim: { state: 'live', since: expect.any(Number) },
      venue: { state: 'down', reason: 'venue unreachable', since: 5 },
    });
  });
});
