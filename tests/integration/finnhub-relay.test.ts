import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregate } from '../../lib/candles';
import { INTERVALS } from '../../lib/intervals';
import type { ListedInstrument } from '../../lib/protocol';
import { NO_PRICE } from '../../lib/quote';
import type { FeedServer } from '../../server/feed-server';
import { finnhub } from '../../server/source/finnhub';
import { FakeFinnhub } from '../support/fake-finnhub';
import { closeClients, connectClient, type FeedClient } from '../support/feed-client';
import { apiBars, listedSymbols, recordingLogger, startRelayFeed, toApiBar } from '../support/relay-harness';
import { ManualClock } from '../support/manual-clock';
import { sleep, waitFor } from '../support/wait';

const SYMBOL = 'FINNHUB:AAPL';
const fake = new FakeFinnhub(
  { AAPL: { tickStep: '0.0001', lotStep: '1', base: 'AAPL', quote: 'USD' } },
  'test-key',
);
const { logger, lines } = recordingLogger();
let server: FeedServer;
let url: string;

beforeAll(async () => {
  await fake.start();
  ({ server, url } = await startRelayFeed(
    finnhub({ wsUrl: fake.wsUrl, restUrl: fake.httpUrl, token: 'test-key' }),
    ['AAPL', 'NOPE'],
    logger,
  ));
});

afterAll(async () => {
  closeClients();
  await server.close();
  await fake.close();
});

describe('the Finnhub relay against a fake Finnhub', () => {
  it('learns its stocks, names an unknown one, and subscribes to each with its token', async () => {
    await waitFor(() => fake.openConnections === 1 && fake.received.length === 1, 5000, 'a subscription');
    expect(JSON.parse(fake.received[0]?.text ?? '')).toEqual({ type: 'subscribe', symbol: 'AAPL' });
    const aapl = (await listedSymbols(url)).find((i) => i.symbol === SYMBOL);
    expect(aapl).toMatchObject<Partial<ListedInstrument>>({
      name: 'AAPL Inc',
      assetClass: 'equity',
      currency: 'USD',
      source: 'finnhub',
    });
    expect(lines().map((line) => line.msg)).toContainEqual(
      expect.stringContaining('unknown symbol NOPE at finnhub: remove it from FINNHUB_SYMBOLS'),
    );
  });

  it('streams trades with no bid or ask, and bars from the live stream when the plan has no candles', async () => {
    const client: FeedClient = connectClient({ url });
    for (let i = 0; i < 30; i++) {
      fake.trade('AAPL', { price: 1_874_400 + (i % 7) * 100 + (i % 3), size: 1 + (i % 5) * 100 });
      if (i % 10 === 0) fake.ping();
      await sleep(20);
    }
    const last = fake.lastTrade('AAPL');
    await waitFor(() => server.market.quote(SYMBOL)?.time === last?.time, 3000, 'every trade');
    expect(server.market.quote(SYMBOL)).toMatchObject({
      bid: NO_PRICE,
      ask: NO_PRICE,
      last: 1_874_400 + (29 % 7) * 100 + (29 % 3),
    });
    const ack = await client.subscribe([SYMBOL]);
    expect(ack.ok && ack.snapshots[0]?.slice(4, 6)).toEqual([NO_PRICE, NO_PRICE]);
    // The candles are refused (as on the free plan): the bars are those of the trades streamed.
    const instrument = (await listedSymbols(url)).find((i) => i.symbol === SYMBOL) as ListedInstrument;
    for (const interval of INTERVALS) {
      // An equity's 1d, 1w and 1M bars hold its regular session only (docs/sources.md, Sessions).
      const expected = aggregate(fake.delivered.get('AAPL') ?? [], interval, 'equity').map((bar) =>
        toApiBar(bar, instrument),
      );
      expect(await apiBars(url, SYMBOL, interval), interval).toEqual(expected);
    }
  });
});

describe('the Finnhub relay when the connection drops or goes quiet', () => {
  it('resubscribes after a disconnect, is stale while silent and live again when trades flow', async () => {
    const before = fake.received.length;
    fake.dropConnections();
    await waitFor(
      () => fake.openConnections === 1 && fake.received.length > before,
      5000,
      'a new subscription',
    );
    expect(JSON.parse(fake.received.at(-1)?.text ?? '')).toEqual({ type: 'subscribe', symbol: 'AAPL' });
    fake.silent = true;
    await waitFor(() => server.market.status(SYMBOL) !== 'live', 3000, 'not live');
    // Stale, or closed if the test runs outside New York's trading hours.
    expect(['stale', 'closed']).toContain(server.market.status(SYMBOL));
    fake.silent = false;
    fake.trade('AAPL', { price: 1_875_000, size: 10 });
    await waitFor(() => server.market.status(SYMBOL) === 'live', 3000, 'live again');
    expect(server.market.quote(SYMBOL)?.last).toBe(1_875_000);
  });
});

describe('a Finnhub stock outside its session', () => {
  it('is closed, not stale, when nothing comes', async () => {
    // Saturday noon in New York.
    const clock = new ManualClock(Date.UTC(2025, 0, 11, 17, 0, 0));
    const quiet = new FakeFinnhub(
      { MSFT: { tickStep: '0.0001', lotStep: '1', base: 'MSFT', quote: 'USD' } },
      'k',
    );
    await quiet.start();
    const { server: weekend } = await startRelayFeed(
      finnhub({ wsUrl: quiet.wsUrl, restUrl: quiet.httpUrl, token: 'k' }),
      ['MSFT'],
      recordingLogger().logger,
      clock,
    );
    try {
      await waitFor(() => quiet.received.length === 1, 5000, 'a subscription');
      for (let i = 0; i < 15; i++) {
        clock.advance(100);
        await sleep(5);
      }
      expect(weekend.market.status('FINNHUB:MSFT')).toBe('closed');
    } finally {
      await weekend.close();
      await quiet.close();
    }
  });
});
