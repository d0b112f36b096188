/**
 * The product on one origin: the Next.js dashboard, the Socket.IO feed at /socket.io and the HTTP API, all on
 * PORT. `--dev` runs Next in development mode.
 */
import { loadConfig } from './config';
import { startFeedServer } from './feed-server';
import { createLogger } from './logger';
import { loadPages } from './pages';
import { onShutdown } from './shutdown';

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);
const dev = process.argv.includes('--dev');
const pages = await loadPages(dev);

const feed = await startFeedServer({
  config,
  logger,
  fallback: pages.handle,
  devPages: dev,
  upgrade: pages.upgrade,
});
logger.info({ url: `${feed.scheme}://localhost:${feed.port}`, dev }, 'tickerboard listening');
onShutdown(logger, {
  drain: () => feed.drain(config.SHUTDOWN_SPREAD_MS),
  close: async () => {
    await feed.close();
    await pages.close();
  },
});
