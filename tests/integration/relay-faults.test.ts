import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../server/clock';
import { configWith } from '../../server/config';
import { startFeedServer, type FeedServer } from '../../server/feed-server';
import { binance } from '../../server/source/binance';
import { CATALOGUE } from '../../server/source/catalogue';
import { createBackoff } from '../../server/source/relay/backoff';
import { Relay } from '../../server/source/relay/relay';
import { Simulator } from '../../server/source/simulator';
import { FakeBinance } from '../support/fake-binance';
import { listedSymbols, recordingLogger } from '../support/relay-harness';
import { waitFor } from '../support/wait';

const fake = new FakeBinance({
  BTCUSDT: { tickStep: '0.01', lotStep: '0.00001', base: 'BTC', quote: 'USDT' },
});
let server: FeedServer | undefined;

afterAll(async () => {
  await server?.close();
  await fake.close();
});

async function health(url: string): Promise<Record<string, { state: string; reason?: string }>> {
  return (
    (await (await fetch(`${url}/healthz`)).json()) as {
      sources: Record<string, { state: string; reason?: string }>;
    }
  ).sources;
}

describe('a venue unreachable at start', () => {
  it('is retried with backoff and reported down while the simulator serves, and relayed once it answers', async () => {
    await fake.start();
    fake.restDown = true;
    const { logger, lines } = recordingLogger();
    const relay = new Relay({
      venue: binance({ wsUrl: fake.wsUrl, restUrl: fake.httpUrl }),
      symbols: ['BTCUSDT'],
      clock: systemClock,
      logger,
      staleMs: 1000,
      historyBars: 500,
      settleMs: 200,
      backoff: () => createBackoff({ minMs: 50, maxMs: 100 }),
    });
    const simulator = new Simulator({ seed: 1, instruments: CATALOGUE.slice(0, 2), clock: systemClock });
    server = await startFeedServer({
      config: configWith({
        PORT: 0,
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        API_REQUESTS_PER_SECOND: 10_000,
      }),
      source: [simulator, relay],
      logger,
    });
    const url = `http://127.0.0.1:${server.port}`;

    await waitFor(
      () => lines().filter((line) => line.msg === 'venue unreachable, retrying').length >= 3,
      5000,
      'retries',
    );
    expect((await health(url)).binance).toMatchObject({
      state: 'down',
      reason: expect.stringContaining('binance answered 503'),
    });
    expect((await health(url)).sim).toMatchObject({ state: 'live' });
    const symbols = (await listedSymbols(url)).map((i) => i.symbol);
    expect(symbols).toEqual(CATALOGUE.slice(0, 2).map((i) => i.symbol));

    fake.restDown = false;
    await waitFor(() => fake.subscriptions().length === 2, 5000, 'the relay subscribed');
    fake.trade('BTCUSDT', { price: 9_600_000, size: 100 });
    await waitFor(() => server?.market.status('BINANCE:BTCUSDT') === 'live', 5000, 'live');
    expect((await listedSymbols(url)).map((i) => i.symbol)).toContain('BINANCE:BTCUSDT');
  });
});
