import type { Instrument } from '../../lib/instrument';
import type { UnixMillis } from '../../lib/nominal';
import type { Clock } from '../../server/clock';
import { configWith, type Config } from '../../server/config';
import { clockFor, startFeedServer, type FeedServer } from '../../server/feed-server';
import type { UpgradeHandler } from '../../server/http/upgrades';
import { createLogger } from '../../server/logger';
import { CATALOGUE } from '../../server/source/catalogue';
import type { EventSink, PriceSource, SourceHealth } from '../../server/source/price-source';
import { MarketSimulator } from '../../server/source/market-simulator';

/**
 * A price source that a test can stop without closing the server: the market freezes, so whatever clients hold
 * after the next flush can be compared with the server's state exactly.
 */
export class StoppableSource implements PriceSource {
  private readonly inner: PriceSource;
  private stopInner: (() => void) | undefined;

  constructor(inner: PriceSource) {
    this.inner = inner;
  }

  get name(): string {
    return this.inner.name;
  }

  health(): SourceHealth {
    return this.inner.health();
  }

  get instruments(): readonly Instrument[] {
    return this.inner.instruments;
  }

  backfill(sink: EventSink, now: UnixMillis): void {
    this.inner.backfill(sink, now);
  }

  start(sink: EventSink): () => void {
    this.stopInner = this.inner.start(sink);
    return () => this.stop();
  }

  stop(): void {
    this.stopInner?.();
    this.stopInner = undefined;
  }
}

export interface TestFeed extends FeedServer {
  /** `http://127.0.0.1:<port>` (`https` with TLS), for HTTP requests and sockets. */
  readonly url: string;
  /** Stops new market events; the server keeps serving and flushing. */
  stopSource(): void;
  /** The market's clock: it starts at `TEST_MARKET_START`, not at the wall clock's now. */
  readonly clock: Clock;
}

export interface TestFeedOptions {
  clock?: Clock;
  /** Takes the upgrades that are not Socket.IO's (as Next's HMR does in development). */
  upgrade?: UpgradeHandler;
}

const running = new Set<FeedServer>();

/**
 * Where a test feed's market starts unless a test says otherwise: a Tuesday at 10:30 New York time, in the
 * regular session, so every asset class trades whatever the hour the tests run at.
 */
export const TEST_MARKET_START = Date.parse('2026-11-24T15:30:00Z');

/**
 * Starts the real feed server (seeded market simulator, full catalogue, SIM_START honoured) on a free port of 127.0.0.1, silent. Close it
 * with `closeTestFeeds` in an `afterAll`.
 */
export async function startTestFeed(
  overrides: Partial<Config> = {},
  options: TestFeedOptions = {},
): Promise<TestFeed> {
  const config = configWith({
    PORT: 0,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SIM_START: TEST_MARKET_START,
    ...overrides,
  });
  const clock = options.clock ?? clockFor(config);
  const source = new StoppableSource(
    new MarketSimulator({
      seed: config.SIM_SEED,
      instruments: CATALOGUE,
      clock,
      historyBars: config.HISTORY_BARS,
    }),
  );
  const server = await startFeedServer({
    config,
    clock,
    source,
    logger: createLogger('silent'),
    upgrade: options.upgrade,
  });
  running.add(server);
  return Object.assign(server, {
    url: `${server.scheme}://127.0.0.1:${server.port}`,
    stopSource: () => source.stop(),
    clock,
  });
}

/** Closes every server `startTestFeed` started and has not closed yet. */
export async function closeTestFeeds(): Promise<void> {
  const servers = [...running];
  running.clear();
  await Promise.all(servers.map((server) => server.close()));
}
