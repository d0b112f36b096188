/**
 * The server child: runs one server under test (L, N or O) on the bench's seeded feed and measures it from the
 * inside: CPU time, RSS, event-loop delay and, for slow consumers, the bytes it holds queued. Started by
 * bench/run.ts, pinned to its own core where `taskset` exists.
 */
import { writeFileSync } from 'node:fs';
import type { ServerCommands, ServerStart, ServerWindow } from './commands';
import { collectGarbage, measureIdle, openProcessWindow } from './process-window';
import { startProfiler } from './profile';
import { serve } from './rpc';
import type { BenchServer, ServerKind, ServerSetup } from './servers/bench-server';
import { createFeed, type BenchFeed } from './servers/feed';
import { startLimit } from './servers/limit';
import { startNaive } from './servers/naive';
import { startOurs } from './servers/ours';

const STARTERS: Record<ServerKind, (setup: ServerSetup) => Promise<BenchServer>> = {
  L: startLimit,
  N: startNaive,
  O: startOurs,
};

let server: BenchServer | undefined;
let feed: BenchFeed | undefined;
let watchQueues = false;
let profilePath: string | undefined;
let stopProfiler: (() => Promise<object>) | undefined;
let endWindow: (() => ServerWindow) | undefined;

function running(): { server: BenchServer; feed: BenchFeed } {
  if (!server || !feed) throw new Error('no server started');
  return { server, feed };
}

/** Starts measuring; returns the function that ends the window and reports it. */
function measure(): () => ServerWindow {
  const { server, feed } = running();
  const events = feed.events;
  const simulatorMs = feed.simulatorMs;
  let queuedMax = 0;
  let behindMax = 0;
  const end = openProcessWindow(() => {
    if (watchQueues) queuedMax = Math.max(queuedMax, server.queuedBytes());
    if (server.behind) behindMax = Math.max(behindMax, server.behind());
  });
  return () => ({
    ...end(),
    queuedBytesMax: queuedMax,
    ...(server.behind ? { behindMax } : {}),
    events: feed.events - events,
    simulatorUs: (feed.simulatorMs - simulatorMs) * 1000,
  });
}

serve<ServerCommands>({
  async start(options: ServerStart) {
    feed = createFeed(options);
    watchQueues = options.watchQueues;
    profilePath = options.profilePath;
    server = await STARTERS[options.kind]({ feed, flushMs: options.flushMs });
    return { port: server.port };
  },
  idle: ({ ms }) => measureIdle(ms),
  simulator() {
    return { ms: running().feed.simulatorMs, at: performance.now() };
  },
  memory() {
    collectGarbage();
    const { rss, heapUsed, external } = process.memoryUsage();
    return { rssBytes: rss, heapBytes: heapUsed + external };
  },
  feed({ mode }) {
    running().feed.setMode(mode);
    return null;
  },
  async measureStart({ windowMs, mode, then }) {
    if (profilePath) stopProfiler = await startProfiler();
    if (mode) running().feed.setMode(mode);
    running().feed.closeAfter(windowMs, then);
    endWindow = measure();
    return null;
  },
  async measureEnd() {
    if (!endWindow) throw new Error('measureEnd without measureStart');
    const result = endWindow();
    endWindow = undefined;
    if (stopProfiler && profilePath) writeFileSync(profilePath, JSON.stringify(await stopProfiler()));
    stopProfiler = undefined;
    return result;
  },
  stopTicks() {
    running().feed.stop();
    return null;
  },
  finalState() {
    return running().server.finalState();
  },
  async close() {
    await server?.close();
    setImmediate(() => process.exit(0));
    return null;
  },
});
