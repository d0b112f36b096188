import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bar } from '../../lib/candles';
import { INTERVALS } from '../../lib/intervals';
import type { ListedInstrument } from '../../lib/protocol';
import { createRandom } from '../../lib/rng';
import type { FeedServer } from '../../server/feed-server';
import { binance } from '../../server/source/binance';
import { FakeBinance } from '../support/fake-binance';
import { closeClients, connectClient, type FeedClient } from '../support/feed-client';
import {
  apiBars,
  listedSymbols,
  recordingLogger,
  startRelayFeed,
  TEST_TIMINGS,
  toApiBar,
} from '../support/relay-harness';
import { sleep, waitFor } from '../support/wait';

const SYMBOL = 'BINANCE:BTCUSDT';
const fake = new FakeBinance({
  BTCUSDT: { tickStep: '0.01000000', lotStep: '0.00001000', base: 'BTC', quote: 'USDT' },
  ETHUSDT: { tickStep: '0.01000000', lotStep: '0.00010000', base: 'ETH', quote: 'USDT' },
});
const { logger, lines } = recordingLogger();
const random = createRandom(7);
let price = 9_600_000;
let server: FeedServer;
let url: string;
let clients: FeedClient[] = [];

/** A trade near the last price, now unless told otherwise. */
function nextTrade(publish = true, time?: number) {
  price += Math.round((random() - 0.5) * 200);
  const size = 1 + Math.floor(random() * 5000);
  return fake.trade(
    'BTCUSDT',
    { price, size, side: random() < 0.5 ? 'buy' : 'sell', ...(time === undefined ? {} : { time }) },
    publish,
  );
}

async function stream(ms: number, everyMs = 40): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    nextTrade();
    fake.quote('BTCUSDT', price - 1, price + 1, 3, 4);
    await sleep(everyMs);
  }
}

const status = (client: FeedClient, symbol: string) =>
  client.statusUpdates
    .flatMap((update) => update.symbols)
    .filter(([s]) => s === symbol)
    .at(-1)?.[1];

beforeAll(async () => {
  await fake.start();
  // Ten minutes of history on the tape: the venue's klines hold it, at every interval.
  const now = Date.now();
  for (let time = now - 600_000; time < now - 2000; time += 1500 + Math.floor(random() * 3000))
    nextTrade(false, time);
  fake.trade('ETHUSDT', { price: 350_000, size: 10, time: now - 60_000 }, false);
  ({ server, url } = await startRelayFeed(
    binance({ wsUrl: fake.wsUrl, restUrl: fake.httpUrl }),
    ['BTCUSDT', 'ETHUSDT', 'NOPEUSDT'],
    logger,
  ));
});

afterAll(async () => {
  closeClients();
  await server.close();
  await fake.close();
});

describe('the Binance relay against a fake Binance', () => {
  it('learns each instrument from exchangeInfo and names an unknown symbol and the venue', async () => {
    let listed = await listedSymbols(url);
    for (const deadline = Date.now() + 5000; listed.length < 2 && Date.now() < deadline; await sleep(20)) {
      listed = await listedSymbols(url);
    }
    expect(listed.find((i) => i.symbol === SYMBOL)).toEqual<ListedInstrument>({
      symbol: SYMBOL,
      name: 'BTC/USDT on Binance',
      assetClass: 'crypto',
      tickSize: 0.01,
      precision: 2,
      lotSize: 0.00001,
      sizePrecision: 5,
      currency: 'USDT',
      baseCurrency: 'BTC',
      source: 'binance',
      status: expect.stringMatching(/live|stale/),
    });
    expect(lines().map((line) => line.msg)).toContainEqual(
      expect.stringContaining('unknown symbol NOPEUSDT at binance: remove it from BINANCE_SYMBOLS'),
    );
  });

  it('subscribes to trades and the book ticker on the combined stream', async () => {
    await waitFor(() => fake.subscriptions().length === 4, 5000, 'the subscription');
    expect(fake.connections[0]?.path).toBe('/stream');
    expect(fake.subscriptions().sort()).toEqual([
      'btcusdt@bookTicker',
      'btcusdt@trade',
      'ethusdt@bookTicker',
      'ethusdt@trade',
    ]);
  });

  it('goes live when data flows, with the history from the klines', async () => {
    clients = [connectClient({ url }), connectClient({ url })];
    await stream(300);
    await waitFor(() => status(clients[0] as FeedClient, SYMBOL) === 'live', 5000, 'live');
    await waitFor(() => server.market.bars(SYMBOL, '1m', 2000).length >= 10, 5000, 'history');
    for (const [i, interval] of INTERVALS.entries()) {
      const ack = await (clients[i % 2] as FeedClient).subscribeCandles({
        symbol: SYMBOL,
        interval,
        limit: 2000,
      });
      expect(ack.ok).toBe(true);
    }
  });

  it('drops a duplicate trade, lands a late one in its bar without moving the close, and refuses what is off the grid or malformed', async () => {
    const first = nextTrade();
    await stream(200);
    fake.republish('BTCUSDT', first);
    // Late but inside the grace window: it widens its bar and adds to its volume.
    nextTrade(true, Date.now() - TEST_TIMINGS.graceMs / 2);
    fake.sendRaw(
      JSON.stringify({
        stream: 'btcusdt@trade',
        data: {
          e: 'trade',
          E: 1,
          s: 'BTCUSDT',
          t: 1,
          p: '96000.015',
          q: '0.001',
          T: Date.now(),
          m: false,
          M: true,
        },
      }),
    );
    fake.sendRaw('{"stream":"btcusdt@trade","data":{"e":"trade"}}');
    fake.sendRaw('not json');
    fake.sendRaw('{"stream":"btcusdt@depth","data":{}}');
    await stream(300);
    const messages = lines().map((line) => line.msg);
    expect(messages).toContain('trade off the tick or lot grid refused');
    expect(messages).toContain('malformed message');
    expect(messages).toContain('unreadable message');
  });

  it('reconnects after a disconnect mid-stream and repairs the gap from the klines', async () => {
    const before = fake.connections.length;
    fake.dropConnections();
    // Trades the relay cannot see: only the klines will have them.
    for (let i = 0; i < 5; i++) {
      nextTrade(false);
      await sleep(30);
    }
    await waitFor(
      () => fake.connections.length > before && fake.subscriptions().length === 4,
      5000,
      'a new subscription',
    );
    await stream(800);
    expect(lines().map((line) => line.msg)).toContain('venue connection lost');
  });

  it('repairs a missing trade id from the klines once the grace window has passed', async () => {
    nextTrade(false);
    await stream(TEST_TIMINGS.graceMs + 800);
    expect(lines().map((line) => line.msg)).toContain('trades missing: repairing from bars');
  });

  it('marks the symbol stale within STALE_MS of silence and live again when data flows, inventing nothing between', async () => {
    fake.silent = true;
    const client = clients[0] as FeedClient;
    // Stale within STALE_MS and a sweep of the last update, not before STALE_MS has passed since it.
    await waitFor(() => status(client, SYMBOL) === 'stale', TEST_TIMINGS.staleMs + 1000, 'stale');
    const lastUpdate = server.market.quote(SYMBOL)?.time ?? 0;
    expect(Date.now() - lastUpdate).toBeGreaterThanOrEqual(TEST_TIMINGS.staleMs);
    const frozen = server.market.quote(SYMBOL);
    const quoteBefore = { ...frozen };
    await sleep(300);
    expect(server.market.quote(SYMBOL)).toEqual(quoteBefore);
    fake.silent = false;
    await stream(200);
    await waitFor(() => status(client, SYMBOL) === 'live', 2000, 'live again');
  });

  it('serves at every interval, over HTTP and to a socket.io client, the bars of the klines plus the trades sent', async () => {
    await stream(300);
    const instrument = (await listedSymbols(url)).find((i) => i.symbol === SYMBOL) as ListedInstrument;
    // Any repair under way settles within its settle time and one REST round.
    await sleep(TEST_TIMINGS.settleMs + 700);
    for (const interval of INTERVALS) {
      const expected = fake.expectedBars('BTCUSDT', interval);
      expect(await apiBars(url, SYMBOL, interval), interval).toEqual(
        expected.map((bar) => toApiBar(bar, instrument)),
      );
    }
    for (const [i, interval] of INTERVALS.entries()) {
      const expected: Bar[] = fake.expectedBars('BTCUSDT', interval);
      await waitFor(
        () =>
          JSON.stringify((clients[i % 2] as FeedClient).mirror.bars(SYMBOL, interval)) ===
          JSON.stringify(expected),
        3000,
        `the client's ${interval} bars`,
      ).catch(() =>
        expect((clients[i % 2] as FeedClient).mirror.bars(SYMBOL, interval), interval).toEqual(expected),
      );
    }
  });

  it('reports its health on /healthz', async () => {
    await stream(100);
    const body = (await (await fetch(`${url}/healthz`)).json()) as {
      sources: Record<string, { state: string; reason?: string }>;
    };
    expect(body.sources.binance).toMatchObject({ state: 'live' });
    expect(body.sources.binance?.reason).toContain('NOPEUSDT');
  });
});
