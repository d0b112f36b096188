/**
 * The feed server on its own, without the Next.js front end: Socket.IO, /healthz and /api on PORT. Several of
 * these can run behind one front.
 */
import { loadConfig } from './config';
import { startFeedServer } from './feed-server';
import { createLogger } from './logger';
import { onShutdown } from './shutdown';

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);
const feed = await startFeedServer({ config, logger });
logger.info({ port: feed.port, scheme: feed.scheme }, 'feed listening');
onShutdown(logger, { drain: () => feed.drain(config.SHUTDOWN_SPREAD_MS), close: () => feed.close() });
