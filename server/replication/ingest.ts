import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { Clock } from '../clock';
import { systemClock } from '../clock';
import type { Config } from '../config';
import { buildMarket } from '../feed-server';
import type { Logger } from '../logger';
import type { MarketView } from '../market/market-view';
import type { PriceSource } from '../source/price-source';
import { createSources } from '../source/sources';
import { ChangePublisher } from './change-publisher';
import { connectRedis } from './redis';

export interface Ingest {
  readonly publisher: ChangePublisher;
  /** The market it publishes (read-only: the sources change it). */
  readonly market: MarketView;
  /** The port of its health and metrics endpoints. */
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The ingest role: runs the sources and the market state and publishes every change to the Redis stream, with
 * checkpoints (see `ChangePublisher`). It serves no clients; on PORT it answers `/healthz`, `/readyz` (Redis
 * reached and the last write through) and `/metrics`.
 */
export async function startIngest(
  config: Config & { REDIS_URL: string },
  logger: Logger,
  options: { clock?: Clock; source?: PriceSource | readonly PriceSource[] } = {},
): Promise<Ingest> {
  const clock = options.clock ?? systemClock;
  // Not waited for: the ingest starts (and says on /readyz that it is not ready) whether or not Redis is there.
  const redis = connectRedis(config.REDIS_URL, 'ingest', logger);
  const built = buildMarket(config, clock, options.source ?? createSources(config, clock, logger));
  logger.info({ symbols: built.market.instruments.length, ms: built.ms }, 'history ready');
  const publisher = new ChangePublisher({
    redis,
    market: built.market,
    clock,
    logger,
    maxLen: config.STREAM_MAXLEN,
    checkpointMs: config.CHECKPOINT_MS,
  });
  publisher.start();
  const stopSources = built.start();

  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tickerboard_' });
  const status = publisher.status;
  new Gauge({
    name: 'tickerboard_redis_connected',
    help: 'Whether the last write reached Redis (1) or not (0).',
    registers: [registry],
    collect() {
      this.set(status.connected ? 1 : 0);
    },
  });
  new Gauge({
    name: 'tickerboard_stream_writes_in_flight',
    help: 'Writes to Redis sent and not yet answered (bounded: past the bound changes are dropped).',
    registers: [registry],
    collect() {
      this.set(status.inFlight);
    },
  });
  new Gauge({
    name: 'tickerboard_stream_position',
    help: 'Position of the last market change written to the stream.',
    registers: [registry],
    collect() {
      this.set(status.published);
    },
  });
  new Counter({
    name: 'tickerboard_changes_dropped_total',
    help: 'Market changes not written while Redis was away (a checkpoint covers them).',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(status.dropped);
    },
  });
  new Gauge({
    name: 'tickerboard_source_state',
    help: 'Each price source by state: 1 for the state it is in.',
    labelNames: ['source', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [source, health] of Object.entries(built.health()))
        this.set({ source, state: health.state }, 1);
    },
  });

  const http: HttpServer = createServer((request, response) => {
    const route = new URL(request.url ?? '/', 'http://localhost').pathname;
    const json = (code: number, body: unknown) =>
      response.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (route === '/healthz') return json(200, { status: 'ok', role: 'ingest', sources: built.health() });
    if (route === '/readyz') {
      const ok = status.connected;
      return json(ok ? 200 : 503, { status: ok ? 'ready' : 'not ready', checks: [{ name: 'redis', ok }] });
    }
    if (route === '/metrics') {
      void registry
        .metrics()
        .then((text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text));
      return;
    }
    json(404, { error: { code: 'NOT_FOUND' } });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.PORT, config.HOST, () => resolve());
  });
  return {
    publisher,
    market: built.market,
    port: (http.address() as AddressInfo).port,
    async close() {
      stopSources();
      publisher.stop();
      await publisher.settled();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      redis.disconnect();
    },
  };
}
