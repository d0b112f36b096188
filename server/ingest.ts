/**
 * `npm run ingest`: the sources and the market state, publishing every change to Redis (REDIS_URL) for the
 * gateways. Health and metrics on PORT.
 */
import { loadConfig } from './config';
import { createLogger } from './logger';
import { startIngest } from './replication/ingest';
import { onShutdown } from './shutdown';

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);
if (!config.REDIS_URL) throw new Error('invalid configuration:\n  REDIS_URL: is required by npm run ingest');
const ingest = await startIngest({ ...config, REDIS_URL: config.REDIS_URL }, logger);
logger.info({ port: ingest.port }, 'ingest listening');
// Redis may not be there yet: the ingest is up (not ready on /readyz) and publishes once it is.
void ingest.publisher.published().then(() => logger.info({ port: ingest.port }, 'ingest publishing'));
onShutdown(logger, () => ingest.close());
