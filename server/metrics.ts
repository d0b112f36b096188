import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { FanOut } from './fanout/fan-out';

/** What a gateway reports of its Redis feed; absent in one process without Redis. */
export interface ReplicationStatus {
  connected: boolean;
  /** Changes the gateway has not applied yet that the stream holds (0 when caught up). */
  lag: number;
  /** Checkpoints loaded after the start, each instead of a hole in the changes (fell behind MAXLEN, new epoch). */
  reloads: number;
}

export interface MetricsSources {
  fanOut: FanOut;
  /** The position of the last market change applied. */
  position: () => number;
  /** Each price source's state by name (1 for the state it is in). */
  sourceStates: () => Record<string, string>;
  replication?: () => ReplicationStatus;
}

export interface Metrics {
  readonly registry: Registry;
  /** The flush duration histogram's observer, for `FanOutOptions.onFlushed`. */
  observeFlush(ms: number): void;
}

const PREFIX = 'tickerboard_';

/**
 * The Prometheus metrics of one server process, in a registry of its own (several servers may share a process in
 * tests). Totals are read from the fan-out's plain counters at scrape time, so nothing is counted per client per
 * tick; only the flush histogram is fed as flushes happen, once per flush.
 */
export function createMetrics({ fanOut, position, sourceStates, replication }: MetricsSources): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: PREFIX });
  const totalOf = (name: string, help: string, read: () => number) =>
    new Counter({
      name: PREFIX + name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  const gaugeOf = (name: string, help: string, read: () => number) =>
    new Gauge({
      name: PREFIX + name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });

  gaugeOf('connections', 'Open client connections.', () => fanOut.clientCount);
  gaugeOf('market_position', 'Position of the last market change applied.', position);
  new Gauge({
    name: PREFIX + 'subscriptions',
    help: 'Subscriptions held over all connections, by kind.',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      const { quotes, candles } = fanOut.subscriptionCounts();
      this.set({ kind: 'quotes' }, quotes);
      this.set({ kind: 'candles' }, candles);
    },
  });
  totalOf('frames_sent_total', 'Frames sent to clients.', () => fanOut.stats.framesSent);
  totalOf('bytes_sent_total', 'Bytes of frames sent to clients.', () => fanOut.stats.bytesSent);
  totalOf(
    'updates_conflated_total',
    'Market changes folded into an entry already waiting for its flush.',
    () => fanOut.stats.conflated,
  );
  gaugeOf('slow_clients', 'Clients behind: not draining what they were sent.', () => fanOut.behindCount);
  totalOf(
    'slow_disconnects_total',
    'Clients disconnected for not reading.',
    () => fanOut.stats.slowDisconnects,
  );
  new Gauge({
    name: PREFIX + 'source_state',
    help: 'Each price source by state: 1 for the state it is in.',
    labelNames: ['source', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [source, state] of Object.entries(sourceStates())) this.set({ source, state }, 1);
    },
  });
  if (replication) {
    gaugeOf('redis_connected', 'Whether the gateway reaches Redis (1) or not (0).', () =>
      replication().connected ? 1 : 0,
    );
    gaugeOf(
      'redis_lag_changes',
      'Market changes in the stream the gateway has not applied yet.',
      () => replication().lag,
    );
    totalOf(
      'checkpoint_reloads_total',
      'Checkpoints the gateway loaded instead of serving a hole in the changes (it fell behind MAXLEN, or ingest restarted).',
      () => replication().reloads,
    );
  }
  const flushes = new Histogram({
    name: PREFIX + 'flush_duration_seconds',
    help: 'Time a timer step spends flushing its due periods (diffing, encoding, sending or queueing frames).',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25],
    registers: [registry],
  });
  return {
    registry,
    observeFlush: (ms) => flushes.observe(ms / 1000),
  };
}
