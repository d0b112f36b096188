import type { Instrument } from '../../lib/instrument';
import type { UnixMillis } from '../../lib/nominal';
import { systemClock, type Clock } from '../../server/clock';
import { configWith, type Config } from '../../server/config';
import { startFeedServer, type FeedServer } from '../../server/feed-server';
import { createLogger } from '../../server/logger';
import { CATALOGUE } from '../../server/source/catalogue';
import type { EventSink, PriceSource, SourceHealth } from '../../server/source/price-source';
import { Simulator } from '../../server/source/simulator';

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
}

export interface TestFeedOptions {
  clock?: Clock;
}

const running = new Set<FeedServer>();

/**
 * Starts the real feed server (seeded simulator, full catalogue) on a free port of 127.0.0.1, silent. Close it
 * with `closeTestFeeds` in an `afterAll`.
 */
export async function startTestFeed(
  overrides: Partial<Config> = {},
  options: TestFeedOptions = {},
): Promise<TestFeed> {
  const config = configWith({ PORT: 0, HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...overrides });
  const clock = options.clock ?? systemClock;
  const source = new StoppableSource(new Simulator({ seed: config.SIM_SEED, instruments: CATALOGUE, clock }));
  const server = await startFeedServer({ config, clock, source, logger: createLogger('silent') });
  running.add(server);
  return Object.assign(server, {
    url: `${server.scheme}://127.0.0.1:${server.port}`,
    stopSource: () => source.stop(),
  });
}

/** Closes every server `startTestFeed` started and has not closed yet. */
export async function closeTestFeeds(): Promise<void> {
  const servers = [...running];
  running.clear();
  await Promise.all(servers.map((server) => server.close()));
}
