import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregate, type Bar } from '../../lib/candles';
import { INTERVALS } from '../../lib/intervals';
import type { ListedInstrument } from '../../lib/protocol';
import { createRandom } from '../../lib/rng';
import type { FeedServer } from '../../server/feed-server';
import { coinbase } from '../../server/source/coinbase';
import { FakeCoinbase } from '../support/fake-coinbase';
import type { TapeTrade } from '../support/fake-venue';
import { closeClients, connectClient, type FeedClient } from '../support/feed-client';
import { ManualClock } from '../support/manual-clock';
import {
  apiBars,
  listedSymbols,
  recordingLogger,
  startRelayFeed,
  TEST_TIMINGS,
  toApiBar,
} from '../support/relay-harness';
import { sleep } from '../support/wait';

const SYMBOL = 'COINBASE:BTC-USD';
// Time is driven by the test: Coinbase's shortest bar is a minute, so a repair waits for the next minute.
const clock = new ManualClock();
const fake = new FakeCoinbase(
  {
    'BTC-USD': { tickStep: '0.01', lotStep: '0.00000001', base: 'BTC', quote: 'USD' },
    'ETH-USD': { tickStep: '0.01', lotStep: '0.00000001', base: 'ETH', quote: 'USD' },
  },
  () => clock.now(),
);
const { logger, lines } = recordingLogger();
const random = createRandom(11);
let price = 9_600_000;
let server: FeedServer;
let url: string;
let clients: FeedClient[] = [];

function nextTrade(publish = true, time?: number): TapeTrade {
  price += Math.round((random() - 0.5) * 200);
  const size = 1 + Math.floor(random() * 5_000_000);
  const trade = fake.trade(
    'BTC-USD',
    { price, size, side: random() < 0.5 ? 'buy' : 'sell', ...(time === undefined ? {} : { time }) },
    publish,
  );
  return trade;
}

/** Moves the test's clock on by `ms` in steps, trading, quoting and beating the heart at each, with real I/O between. */
async function pass(ms: number, options: { trade?: boolean } = {}): Promise<void> {
  await steps(ms, options);
  await sleep(20);
}

async function steps(ms: number, options: { trade?: boolean } = {}): Promise<void> {
  for (let elapsed = 0; elapsed < ms; elapsed += 100) {
    clock.advance(100);
    if (options.trade !== false && !fake.silent) {
      nextTrade();
      fake.ticker('BTC-USD', price - 1, price + 1, 200, 300);
      if (elapsed % 1000 === 0) fake.heartbeat('BTC-USD');
    }
    await sleep(2);
  }
}

async function until(probe: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  for (let elapsed = 0; elapsed < ms; elapsed += 100) {
    if (await probe()) return;
    await steps(100);
  }
  throw new Error(`not ${what} within ${ms} ms of the test's clock`);
}

const status = (client: FeedClient, symbol: string) =>
  client.statusUpdates
    .flatMap((update) => update.symbols)
    .filter(([s]) => s === symbol)
    .at(-1)?.[1];

beforeAll(async () => {
  await fake.start();
  const now = clock.now();
  for (let time = now - 3 * 3600_000; time < now - 1000; time += 20_000 + Math.floor(random() * 40_000))
    nextTrade(false, time);
  ({ server, url } = await startRelayFeed(
    coinbase({ wsUrl: fake.wsUrl, restUrl: fake.httpUrl }),
    ['BTC-USD', 'ETH-USD', 'NOPE-USD'],
    logger,
    clock,
  ));
});

afterAll(async () => {
  closeClients();
  await server.close();
  await fake.close();
});

describe('the Coinbase relay against a fake Coinbase Exchange', () => {
  it('learns each product from GET /products/{id} and names an unknown one and the venue', async () => {
    await until(async () => (await listedSymbols(url)).length === 2, 5000, 'two instruments');
    const btc = (await listedSymbols(url)).find((i) => i.symbol === SYMBOL);
    expect(btc).toMatchObject<Partial<ListedInstrument>>({
      tickSize: 0.01,
      precision: 2,
      lotSize: 0.00000001,
      sizePrecision: 8,
      currency: 'USD',
      baseCurrency: 'BTC',
      source: 'coinbase',
    });
    expect(lines().map((line) => line.msg)).toContainEqual(
      expect.stringContaining('unknown symbol NOPE-USD at coinbase: remove it from COINBASE_SYMBOLS'),
    );
  });

  it('subscribes to matches, ticker and heartbeat as soon as it connects, well within 5 s', async () => {
    await until(() => fake.channels.length > 0, 5000, 'subscribed');
    expect(fake.channels).toEqual(['matches', 'ticker', 'heartbeat']);
    const [connection] = fake.connections;
    expect((connection?.firstMessageAt ?? Infinity) - (connection?.openedAt ?? 0)).toBeLessThan(5000);
  });

  it('goes live and takes its quote from the ticker', async () => {
    clients = [connectClient({ url }), connectClient({ url })];
    await until(() => status(clients[0] as FeedClient, SYMBOL) === 'live', 5000, 'live');
    for (const [i, interval] of INTERVALS.entries()) {
      expect(
        (await (clients[i % 2] as FeedClient).subscribeCandles({ symbol: SYMBOL, interval, limit: 2000 })).ok,
      ).toBe(true);
    }
    await pass(300);
    expect(server.market.quote(SYMBOL)).toMatchObject({ bid: price - 1, ask: price + 1 });
  });

  it('repairs a trade the heartbeat says it missed, and drops duplicates and malformed messages', async () => {
    // After the history's repair: it cut at the next minute and covers anything missed before.
    await until(
      () => lines().some((line) => line.msg === 'bars repaired from the venue'),
      62_000,
      'history repaired',
    );
    nextTrade(false);
    fake.heartbeat('BTC-USD');
    const last = fake.delivered.get('BTC-USD')?.at(-1) as TapeTrade;
    fake.republish('BTC-USD', last);
    fake.sendRaw('{"type":"match","trade_id":"x"}');
    fake.sendRaw('{"type":"l2update"}');
    fake.sendRaw(
      JSON.stringify({
        type: 'match',
        trade_id: 1,
        side: 'buy',
        size: '0.001',
        price: '96000.005',
        product_id: 'BTC-USD',
        sequence: 1,
        time: new Date(clock.now()).toISOString(),
      }),
    );
    await pass(TEST_TIMINGS.graceMs + 500);
    const messages = lines().map((line) => line.msg);
    expect(messages).toContain('trades missing: repairing from bars');
    expect(messages).toContain('malformed message');
    expect(messages).toContain('trade off the tick or lot grid refused');
  });

  it('reconnects after a disconnect and repairs the gap from the candles', async () => {
    const before = fake.connections.length;
    fake.dropConnections();
    await sleep(50);
    for (let i = 0; i < 4; i++) {
      nextTrade(false);
      clock.advance(50);
    }
    await until(() => fake.connections.length > before && fake.channels.length > 0, 5000, 'reconnected');
    await pass(1000);
    expect(lines().map((line) => line.msg)).toContain('venue connection lost');
  });

  it('is stale after STALE_MS of silence and live again when data flows', async () => {
    fake.silent = true;
    await pass(TEST_TIMINGS.staleMs + 300, { trade: false });
    expect(status(clients[0] as FeedClient, SYMBOL)).toBe('stale');
    fake.silent = false;
    await until(() => status(clients[0] as FeedClient, SYMBOL) === 'live', 2000, 'live again');
  });

  // The 1s bars are those of the trades the relay was sent: Coinbase has no 1s history.
  it('serves the candles plus the trades at 1m to 1d, and at 1s the streamed trades only', async () => {
    // Every repair completes once the minute it cut at is over.
    await pass(61_000 + TEST_TIMINGS.settleMs);
    await pass(500, { trade: false });
    const instrument = (await listedSymbols(url)).find((i) => i.symbol === SYMBOL) as ListedInstrument;
    for (const [i, interval] of INTERVALS.entries()) {
      const expected: Bar[] =
        interval === '1s'
          ? aggregate(fake.delivered.get('BTC-USD') ?? [], '1s')
          : fake.expectedBars('BTC-USD', interval);
      expect(await apiBars(url, SYMBOL, interval), interval).toEqual(
        expected.map((bar) => toApiBar(bar, instrument)),
      );
      expect((clients[i % 2] as FeedClient).mirror.bars(SYMBOL, interval), interval).toEqual(expected);
    }
  });
});
