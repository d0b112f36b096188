/**
 * The feed server in a process of its own, for tests that must survive its death or weigh its heap: started by
 * `startChildFeed` (tests/support/child-feed.ts) under `--expose-gc`, configured by its environment as `npm run feed`
 * is. It reports its port over IPC and answers `heap` with its heap after a full collection, and `stall` with the
 * longest time its event loop went without turning, measured in CPU time (see below) since the last `stall`.
 */
import { loadConfig } from '../../server/config';
import { startFeedServer } from '../../server/feed-server';
import { createLogger } from '../../server/logger';

const config = loadConfig();
const feed = await startFeedServer({ config, logger: createLogger(config.LOG_LEVEL) });
const gc = (globalThis as { gc?: () => void }).gc;

// A timer every 10 ms: the CPU time the process spent between two of its ticks is the longest the loop went without
// turning for its own work (a decode that blocks, a burst of packets handled in one turn). Unlike wall time it does
// not count the time the machine gave to other processes, so it is what packets cost the server whatever the load.
const TICK_MS = 10;
let lastCpu = process.cpuUsage();
let longestStallMs = 0;
setInterval(() => {
  const cpu = process.cpuUsage();
  longestStallMs = Math.max(longestStallMs, (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000);
  lastCpu = cpu;
}, TICK_MS).unref();

process.on('message', (message: { id: number; ask: 'heap' | 'connections' | 'stall' | 'close' }) => {
  const answer = (value: number): void => void process.send?.({ id: message.id, value });
  if (message.ask === 'heap') {
    gc?.();
    gc?.();
    answer(process.memoryUsage().heapUsed);
  } else if (message.ask === 'stall') {
    answer(longestStallMs);
    longestStallMs = 0;
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
