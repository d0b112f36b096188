/**
 * `npm run gateway`: serves the dashboard and its feed (Socket.IO, /api, /healthz, /readyz, /metrics) on its own
 * PORT from a replica of the market that ingest publishes to Redis (REDIS_URL). Run as many as needed behind one
 * front. `--no-pages` serves the feed alone, without the Next.js pages.
 */
import { loadConfig } from './config';
import { createLogger } from './logger';
import { loadPages } from './pages';
import { startGateway } from './replication/gateway';
import { onShutdown } from './shutdown';

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);
if (!config.REDIS_URL) throw new Error('invalid configuration:\n  REDIS_URL: is required by npm run gateway');
const pages = process.argv.includes('--no-pages') ? undefined : await loadPages(false);
const gateway = await startGateway({ ...config, REDIS_URL: config.REDIS_URL }, logger, {
  ...(pages ? { fallback: pages.handle } : {}),
});
logger.info({ port: gateway.feed.port, scheme: gateway.feed.scheme }, 'gateway listening');
onShutdown(logger, {
  drain: () => gateway.drain(config.SHUTDOWN_SPREAD_MS),
  close: async () => {
    await gateway.close();
    await pages?.close();
  },
});
