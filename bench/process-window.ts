import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import type { ProcessWindow } from './commands';

/** How often RSS (and what `sample` reads) is sampled during the window. */
export const SAMPLE_MS = 250;

/**
 * Starts measuring this process from the inside: CPU time, event-loop delay, RSS and garbage-collection pauses,
 * calling `sample` every `SAMPLE_MS` for what the caller samples besides. Returns the function that ends the window
 * and reports it.
 */
export function openProcessWindow(sample: () => void = () => {}): () => ProcessWindow {
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const cpu = process.cpuUsage();
  const started = performance.now();
  let rssPeak = process.memoryUsage.rss();
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
    sample();
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
      gcMs,
      gcMaxMs,
    };
  };
}

/** A full garbage collection, where the process runs with `--expose-gc`. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
}

/** This process's CPU share over `ms` of doing nothing asked of it (what its timers and sockets cost alone). */
export async function measureIdle(ms: number): Promise<{ cpuPct: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const used = process.cpuUsage(cpu);
  return { cpuPct: ((used.user + used.system) / 1000 / (performance.now() - started)) * 100 };
}
