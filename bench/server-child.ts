/**
 * The server child: runs one server under test (L, N or O) on the bench's seeded feed and measures it from the
 * inside: CPU time, RSS, event-loop delay and, for slow consumers, the bytes it holds queued. Started by
 * bench/run.ts, pinned to its own core where `taskset` exists.
 */
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import type { ServerCommands, ServerStart, ServerWindow } from './commands';
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

/** How often RSS (and queued bytes) are sampled during the window. */
const SAMPLE_MS = 250;

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

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
}

/** Starts measuring; returns the function that ends the window and reports it. */
function measure(): () => ServerWindow {
  const { server, feed } = running();
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const events = feed.events;
  const simulatorMs = feed.simulatorMs;
  let rssPeak = process.memoryUsage.rss();
  let queuedMax = 0;
  let behindMax = 0;
  let gcMs = 0;
  let gcMaxMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcMs += entry.duration;
      gcMaxMs = Math.max(gcMaxMs, entry.duration);
    }
  });
  gc.observe({ entryTypes: ['gc'] });
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
    if (watchQueues) queuedMax = Math.max(queuedMax, server.queuedBytes());
    if (server.behind) behindMax = Math.max(behindMax, server.behind());
  }, SAMPLE_MS);
  return () => {
    const used = process.cpuUsage(cpu);
    const elapsedMs = performance.now() - started;
    clearInterval(sampler);
    loop.disable();
    gc.disconnect();
    const rssEnd = process.memoryUsage.rss();
    // No sample at all: the loop never turned during the window.
    const blocked = loop.count === 0;
    return {
      cpuUs: used.user + used.system,
      elapsedMs,
      loopDelayP99Ms: blocked ? elapsedMs : loop.percentile(99) / 1e6,
      loopDelayMaxMs: blocked ? elapsedMs : loop.max / 1e6,
      rssEndBytes: rssEnd,
      rssPeakBytes: Math.max(rssPeak, rssEnd),
      queuedBytesMax: queuedMax,
      ...(server.behind ? { behindMax } : {}),
      events: feed.events - events,
      simulatorUs: (feed.simulatorMs - simulatorMs) * 1000,
      gcMs,
      gcMaxMs,
    };
  };
}

serve<ServerCommands>({
  async start(options: ServerStart) {
    feed = createFeed(options);
    watchQueues = options.watchQueues;
    profilePath = options.profilePath;
    server = await STARTERS[options.kind]({ feed, flushMs: options.flushMs });
    return { port: server.port };
  },
  async idle({ ms }) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, ms));
    const used = process.cpuUsage(cpu);
    return { cpuPct: ((used.user + used.system) / 1000 / (performance.now() - started)) * 100 };
  },
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
