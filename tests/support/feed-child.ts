/**
 * The feed server in a process of its own, for tests that must survive its death or weigh its heap: started by
 * `startChildFeed` (tests/support/child-feed.ts) under `--expose-gc`, configured by its environment as `npm run feed`
 * is. It reports its port over IPC and answers `heap` with its heap after a full collection.
 */
import { loadConfig } from '../../server/config';
import { startFeedServer } from '../../server/feed-server';
import { createLogger } from '../../server/logger';

const config = loadConfig();
const feed = await startFeedServer({ config, logger: createLogger(config.LOG_LEVEL) });
const gc = (globalThis as { gc?: () => void }).gc;

process.on('message', (message: { id: number; ask: 'heap' | 'connections' | 'close' }) => {
  const answer = (value: number): void => void process.send?.({ id: message.id, value });
  if (message.ask === 'heap') {
    gc?.();
    gc?.();
    answer(process.memoryUsage().heapUsed);
  } else if (message.ask === 'connections') {
    answer(feed.io.engine.clientsCount);
  } else {
    void feed.close().then(() => {
      answer(0);
      process.exit(0);
    });
  }
});
process.send?.({ port: feed.port });
