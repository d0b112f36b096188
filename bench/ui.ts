/**
 * `npm run bench:ui`: the dashboard under load in real headless Chromium, against the real server. A synthetic
 * catalogue of 100 symbols trading 10 times a second each fills the board; four charts show 1s bars. After a
 * warm-up it measures, over the window (60 s by default, `--seconds N`):
 *
 * - long animation frames over 50 ms (PerformanceObserver `long-animation-frame`);
 * - the main thread's busy share and the share in style recalculation (CDP `Performance.getMetrics`);
 * - React commits a second (a devtools hook counts `onCommitFiberRoot`) against socket frames a second;
 * - message-to-paint: from a WebSocket message to the end of the next frame, p50/p99;
 * - JS heap growth from the start to the end of the window, each read after a forced GC.
 *
 * Needs `npm run build` first (it serves the production pages). Prints a Markdown table. With `--profile`, after
 * the window it also records a trace and a CPU profile of the page and prints where the main thread's time went
 * (see ui-profile.ts): by kind of work, the busiest trace events, style recalculations and DOM mutations per
 * frame, the script functions with the most self time, and what the window's long frames spent their time on.
 * With `--heap-diff` it takes a heap snapshot at each end of the window and prints what grew, by constructor.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type CDPSession, type Page } from '@playwright/test';
import next from 'next';
import { systemClock } from '../server/clock';
import { configWith } from '../server/config';
import { startFeedServer } from '../server/feed-server';
import { syntheticCatalogue } from '../server/source/catalogue';
import { Simulator } from '../server/source/simulator';
import {
  heapCensus,
  heapGrowth,
  pageProfile,
  TRACE_CATEGORIES,
  traceBreakdown,
  type TraceEvent,
} from './ui-profile';

const ROWS = 100;
const TRADES_PER_SECOND = 10;
const WARM_UP_MS = 5000;
const CHARTS = ['S0001', 'S0002', 'S0003', 'S0004'];

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at === -1 ? undefined : Number(process.argv[at + 1]);
  if (value !== undefined && !(Number.isFinite(value) && value > 0))
    throw new Error(`--${name} wants a number`);
  return value ?? fallback;
}

const seconds = option('seconds', 60);
const profiling = process.argv.includes('--profile');
const heapDiff = process.argv.includes('--heap-diff');
/** How long each of the profile's recordings lasts. */
const PROFILE_MS = 10_000;
const PROFILE_DIR = 'bench-results/profiles';
const symbols = Array.from({ length: ROWS }, (_, i) => `S${String(i + 1).padStart(4, '0')}`);

/** What the page records, installed before any of its scripts run. */
function instrument(profiling: boolean) {
  const stats = {
    from: 0,
    longFrames: [] as number[],
    /** What the long frames spent their time on: where their scripts came from, and rendering. */
    longFrameParts: [] as {
      at: number;
      duration: number;
      render: number;
      styleAndLayout: number;
      scripts: string[];
    }[],
    commits: 0,
    /**
     * With --profile, each commit in the window: when (ms into the window), at which priority, and which
     * components rendered in it (production names are mangled, so a component reads as its props' names).
     */
    commitLog: [] as { at: number; priority: number; rendered: Record<string, number> }[],
    messages: 0,
    latencies: [] as number[],
  };
  /** A fiber's props and state when it was last counted: a fiber that renders gets new ones. */
  const counted = new WeakMap<object, [unknown, unknown]>();
  type Fiber = {
    tag: number;
    type: unknown;
    flags: number;
    memoizedProps: unknown;
    memoizedState: unknown;
    child: Fiber | null;
    sibling: Fiber | null;
  };
  const label = (fiber: Fiber) => {
    const type = fiber.type as { displayName?: string; name?: string; type?: { name?: string } } | null;
    const name = type?.displayName ?? type?.name ?? type?.type?.name ?? '?';
    const props = fiber.memoizedProps && typeof fiber.memoizedProps === 'object' ? fiber.memoizedProps : {};
    return `${name}(${Object.keys(props).slice(0, 4).join(',')})`;
  };
  const rendered = (root: { current: Fiber }) => {
    const found: Record<string, number> = {};
    const stack: Fiber[] = [root.current];
    while (stack.length > 0) {
      const fiber = stack.pop() as Fiber;
      if (fiber.sibling) stack.push(fiber.sibling);
      if (fiber.child) stack.push(fiber.child);
      // Function, forward-ref and memo components; PerformedWork is flag 1.
      if (![0, 11, 14, 15].includes(fiber.tag) || (fiber.flags & 1) === 0) continue;
      const last = counted.get(fiber);
      if (last && last[0] === fiber.memoizedProps && last[1] === fiber.memoizedState) continue;
      counted.set(fiber, [fiber.memoizedProps, fiber.memoizedState]);
      const key = label(fiber);
      found[key] = (found[key] ?? 0) + 1;
    }
    return found;
  };
  (window as unknown as { __bench: typeof stats }).__bench = stats;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries())
      // `from` is 0 until the window opens: a frame of the page's load or warm-up is not the window's.
      if (stats.from > 0 && entry.startTime >= stats.from && entry.duration > 50) {
        stats.longFrames.push(entry.duration);
        const frame = entry as PerformanceEntry & {
          renderStart: number;
          styleAndLayoutStart: number;
          scripts: {
            startTime: number;
            duration: number;
            invoker: string;
            sourceURL: string;
            sourceCharPosition: number;
          }[];
        };
        const end = entry.startTime + entry.duration;
        stats.longFrameParts.push({
          at: (entry.startTime - stats.from) / 1000,
          duration: entry.duration,
          render: frame.renderStart > 0 ? end - frame.renderStart : 0,
          styleAndLayout: frame.styleAndLayoutStart > 0 ? end - frame.styleAndLayoutStart : 0,
          scripts: frame.scripts.map(
            (script) =>
              `+${Math.round(script.startTime - entry.startTime)} ${Math.round(script.duration)} ms ${script.invoker} ${script.sourceURL.replace(/^https?:\/\/[^/]+/, '')}:${script.sourceCharPosition}`,
          ),
        });
      }
  }).observe({ type: 'long-animation-frame', buffered: true });
  // React DOM reports every commit to a devtools hook when one is present, production builds included.
  (window as unknown as Record<string, unknown>).__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true,
    renderers: new Map(),
    inject: () => 1,
    onCommitFiberRoot: (_renderer: number, root: { current: Fiber }, priority: number) => {
      stats.commits += 1;
      if (!profiling) return;
      const found = rendered(root);
      if (stats.from > 0)
        stats.commitLog.push({ at: performance.now() - stats.from, priority, rendered: found });
    },
    onCommitFiberUnmount: () => {},
    onPostCommitFiberRoot: () => {},
    onScheduleFiberRoot: () => {},
    checkDCE: () => {},
  };
  const channel = new MessageChannel();
  const pending: number[] = [];
  channel.port1.onmessage = () => {
    const now = performance.now();
    for (const start of pending.splice(0)) stats.latencies.push(now - start);
  };
  let framed = false;
  const descriptor = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage');
  Object.defineProperty(WebSocket.prototype, 'onmessage', {
    configurable: true,
    get() {
      return descriptor?.get?.call(this);
    },
    set(handler: ((event: MessageEvent) => void) | null) {
      if (typeof handler !== 'function') return descriptor?.set?.call(this, handler);
      descriptor?.set?.call(this, (event: MessageEvent) => {
        const start = performance.now();
        handler(event);
        if (performance.now() < stats.from || stats.from === 0) return;
        stats.messages += 1;
        pending.push(start);
        if (framed) return;
        framed = true;
        // After the next frame's rendering: a task posted from requestAnimationFrame runs once it is painted.
        requestAnimationFrame(() => {
          framed = false;
          channel.port2.postMessage(0);
        });
      });
    },
  });
}

function preferences() {
  const list = { id: 'bench', name: 'Bench', symbols };
  const slot = (symbol: string) => ({
    symbol,
    interval: '1s',
    type: 'candles',
    scale: 'normal',
    overlays: [],
  });
  return JSON.stringify({
    state: {
      lists: [list],
      activeListId: 'bench',
      layout: 4,
      activeChart: 0,
      charts: CHARTS.map(slot),
      theme: 'dark',
    },
    version: 1,
  });
}

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics: list } = (await cdp.send('Performance.getMetrics')) as {
    metrics: { name: string; value: number }[];
  };
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

/**
 * The page's used JS heap right after a full garbage collection, collected and read in one task: read a moment
 * later (after a CDP round trip, say) it also counts whatever the page allocated meanwhile, and the page
 * allocates megabytes a second, so back-to-back readings would differ by 20 %.
 */
async function heap(page: Page): Promise<number> {
  return page.evaluate(() => {
    const collect = (globalThis as unknown as { gc: () => void }).gc;
    collect();
    collect();
    return (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize;
  });
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** Counts the page's DOM mutations for `ms`. */
async function mutations(page: Page, ms: number) {
  return page.evaluate(async (ms) => {
    const counts: Record<string, number> = { attributes: 0, characterData: 0, childList: 0 };
    const observer = new MutationObserver((records) => {
      for (const record of records) counts[record.type] = (counts[record.type] ?? 0) + 1;
    });
    observer.observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      characterData: true,
    });
    await new Promise((resolve) => setTimeout(resolve, ms));
    observer.disconnect();
    return counts;
  }, ms);
}

/** Where the page's main thread spends its time: a trace, DOM mutations, then a CPU profile. */
interface LongFrame {
  /** Seconds into the window. */
  at: number;
  duration: number;
  render: number;
  styleAndLayout: number;
  scripts: string[];
}

/** A React commit in the window (with --profile). */
interface Commit {
  /** ms into the window. */
  at: number;
  priority: number;
  rendered: Record<string, number>;
}

/** What a set of commits rendered, most rendered first. */
function renderedIn(commits: readonly Commit[]): string {
  const total: Record<string, number> = {};
  for (const { rendered } of commits)
    for (const [name, count] of Object.entries(rendered)) total[name] = (total[name] ?? 0) + count;
  return Object.entries(total)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([name, count]) => `${count} ${name}`)
    .join('<br>');
}

async function profile(
  page: Page,
  cdp: CDPSession,
  longFrames: readonly LongFrame[],
  commits: readonly Commit[],
) {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  const sizes = commits.map(({ rendered }) => Object.values(rendered).reduce((a, b) => a + b, 0));
  const largest = commits[sizes.indexOf(Math.max(0, ...sizes))];
  out(
    `\nReact commits in the window: ${commits.length}; components rendered per commit p50 ${percentile(sizes, 50)}, ` +
      `p99 ${percentile(sizes, 99)}, max ${Math.max(0, ...sizes)}${largest ? ` (${renderedIn([largest]).replaceAll('<br>', ', ')})` : ''}`,
  );
  if (longFrames.length > 0) {
    out(
      '\n| long frame | at | React commits in it (priority) | what they rendered |\n| --- | --- | --- | --- |',
    );
    for (const frame of [...longFrames].sort((a, b) => a.at - b.at)) {
      const from = frame.at * 1000;
      const inside = commits.filter(({ at }) => at >= from && at <= from + frame.duration);
      out(
        `| ${Math.round(frame.duration)} ms | ${frame.at.toFixed(2)} s | ${inside.length} (${inside.map((c) => c.priority).join(',')}) | ${renderedIn(inside) || '–'} |`,
      );
    }
  }
  if (longFrames.length > 0) {
    out(
      '\n| long frame in the window | at | rendering | of it style and layout | its scripts |\n| --- | --- | --- | --- | --- |',
    );
    for (const frame of [...longFrames].sort((a, b) => b.duration - a.duration).slice(0, 8))
      out(
        `| ${Math.round(frame.duration)} ms | ${frame.at.toFixed(1)} s | ${Math.round(frame.render)} ms | ${Math.round(frame.styleAndLayout)} ms | ${frame.scripts.slice(0, 4).join('<br>') || '–'} |`,
      );
  }
  await browser.startTracing(page, { categories: TRACE_CATEGORIES });
  const counted = await mutations(page, PROFILE_MS);
  const raw = await browser.stopTracing();
  mkdirSync(join(root, PROFILE_DIR), { recursive: true });
  writeFileSync(join(root, PROFILE_DIR, 'ui-trace.json'), raw);
  out(`\nThe trace is in ${PROFILE_DIR}/ui-trace.json (open it in Chrome DevTools' Performance panel).`);
  const trace = JSON.parse(raw.toString('utf8')) as { traceEvents: TraceEvent[] };
  const found = traceBreakdown(trace.traceEvents);
  if (found) {
    const { windowMs, byKind, byName } = found;
    const pct = (ms: number) => `${((ms / windowMs) * 100).toFixed(1)} %`;
    const { frames } = found;
    out(
      `\nMain thread over a ${(windowMs / 1000).toFixed(1)} s trace: busy ${pct(found.busyMs)} of wall time, ` +
        `${pct(found.busyCpuMs)} in its own CPU time (what the shares below are, of wall time)`,
    );
    out('\n| work (CPU self time) | share |\n| --- | --- |');
    for (const [kind, ms] of [...byKind].sort((a, b) => b[1] - a[1])) out(`| ${kind} | ${pct(ms)} |`);
    out('\n| trace event (CPU self time) | share |\n| --- | --- |');
    for (const [name, ms] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 15))
      out(`| ${name} | ${pct(ms)} |`);
    const perFrame = (n: number) => (frames ? (n / frames).toFixed(1) : '–');
    out('\n| per frame | value |\n| --- | --- |');
    out(`| main-thread frames / s | ${(frames / (windowMs / 1000)).toFixed(1)} |`);
    out(`| main-thread CPU per frame | ${perFrame(found.busyCpuMs)} ms |`);
    out(`| compositor commits | ${perFrame(found.commits)} |`);
    out(`| style recalculations | ${perFrame(found.styleRecalcs)} |`);
    out(`| elements restyled | ${perFrame(found.elementsRestyled)} |`);
    out(`| layouts | ${perFrame(found.layouts)} |`);
    for (const type of ['characterData', 'childList', 'attributes'])
      out(`| DOM mutations: ${type} | ${perFrame(counted[type] ?? 0)} |`);
  }
  const functions = await pageProfile(cdp, PROFILE_MS, (profile) =>
    writeFileSync(join(root, PROFILE_DIR, 'ui.cpuprofile'), JSON.stringify(profile)),
  );
  out(`\n| function (CPU profile, self time) | share of wall time |\n| --- | --- |`);
  for (const { name, ms } of functions.slice(0, 15))
    out(`| \`${name}\` | ${((ms / PROFILE_MS) * 100).toFixed(1)} % |`);
}

const root = fileURLToPath(new URL('..', import.meta.url));
const app = next({ dev: false, dir: root });
await app.prepare();
const handle = app.getRequestHandler();
const clock = systemClock;
const server = await startFeedServer({
  config: configWith({ PORT: 0, HOST: '127.0.0.1', LOG_LEVEL: 'silent' }),
  source: new Simulator({ seed: 7, instruments: syntheticCatalogue(ROWS, TRADES_PER_SECOND), clock }),
  fallback: (request, response) => void handle(request, response),
});
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--enable-precise-memory-info', '--js-flags=--expose-gc'],
});

try {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    colorScheme: 'dark',
  });
  // tsx keeps function names with a `__name` helper that the page does not have.
  await context.addInitScript({ content: 'globalThis.__name = (target) => target;' });
  await context.addInitScript(instrument, profiling);
  await context.addInitScript(
    ([key, value]) =>
      localStorage.getItem(key as string) ?? localStorage.setItem(key as string, value as string),
    ['tickerboard-preferences', preferences()],
  );
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(`http://127.0.0.1:${server.port}/`);
  await page.waitForFunction(
    (count) =>
      document.querySelectorAll('tbody tr td[data-column="last"]').length === count &&
      [...document.querySelectorAll('tbody tr td[data-column="last"]')].every((cell) =>
        /\d/.test(cell.textContent ?? ''),
      ) &&
      document.querySelectorAll('[data-testid="price-chart"][data-state="ready"]').length === 4,
    ROWS,
    { timeout: 60_000 },
  );
  await page.waitForTimeout(WARM_UP_MS);

  const censusStart = heapDiff ? await heapCensus(cdp) : undefined;
  // The snapshot stops the page for seconds: let it catch up before the window.
  if (censusStart) await page.waitForTimeout(WARM_UP_MS);
  const heapStart = await heap(page);
  const before = await metrics(cdp);
  await page.evaluate(() => {
    const stats = (window as unknown as { __bench: { from: number; commits: number } }).__bench;
    stats.from = performance.now();
    stats.commits = 0;
  });
  const started = Date.now();
  await page.waitForTimeout(seconds * 1000);
  const after = await metrics(cdp);
  const elapsed = (Date.now() - started) / 1000;
  const stats = await page.evaluate(
    () =>
      (
        window as unknown as {
          __bench: {
            longFrames: number[];
            longFrameParts: LongFrame[];
            commits: number;
            commitLog: Commit[];
            messages: number;
            latencies: number[];
          };
        }
      ).__bench,
  );
  const heapEnd = await heap(page);
  const censusEnd = heapDiff ? await heapCensus(cdp) : undefined;

  const share = (name: string) => ((after[name] ?? 0) - (before[name] ?? 0)) / elapsed;
  const rows: [string, string, string][] = [
    ['long animation frames > 50 ms', String(stats.longFrames.length), '0'],
    ['longest animation frame', `${Math.round(Math.max(0, ...stats.longFrames))} ms`, '≤ 50 ms'],
    ['main thread busy', `${(share('TaskDuration') * 100).toFixed(1)} %`, '≤ 30 %'],
    ['style recalculation', `${(share('RecalcStyleDuration') * 100).toFixed(1)} %`, '≤ 5 %'],
    ['layout', `${(share('LayoutDuration') * 100).toFixed(1)} %`, ''],
    ['script', `${(share('ScriptDuration') * 100).toFixed(1)} %`, ''],
    ['React commits / s', (stats.commits / elapsed).toFixed(1), '≤ frames / s'],
    ['socket frames / s', (stats.messages / elapsed).toFixed(1), ''],
    ['message to paint p50', `${percentile(stats.latencies, 50).toFixed(1)} ms`, ''],
    ['message to paint p99', `${percentile(stats.latencies, 99).toFixed(1)} ms`, '≤ 50 ms'],
    [
      `JS heap growth over ${Math.round(elapsed)} s`,
      `${(((heapEnd - heapStart) / heapStart) * 100).toFixed(1)} % (${(heapStart / 1e6).toFixed(1)} → ${(heapEnd / 1e6).toFixed(1)} MB)`,
      '< 10 %',
    ],
  ];
  process.stdout.write(
    `bench:ui: ${ROWS} rows at ${TRADES_PER_SECOND} trades/s each, 4 charts at 1s, ${Math.round(elapsed)} s after ${WARM_UP_MS / 1000} s of warm-up\n\n`,
  );
  process.stdout.write('| measure | value | target |\n| --- | --- | --- |\n');
  for (const [name, value, target] of rows) process.stdout.write(`| ${name} | ${value} | ${target} |\n`);
  if (censusStart && censusEnd) {
    process.stdout.write(
      '\n| grew most over the window (heap snapshots) | objects | bytes |\n| --- | --- | --- |\n',
    );
    for (const { name, count, bytes } of heapGrowth(censusStart, censusEnd).slice(0, 12))
      process.stdout.write(
        `| ${name.slice(0, 80).replaceAll('|', '\\|')} | ${count} | ${(bytes / 1e3).toFixed(1)} kB |\n`,
      );
  }
  if (profiling) {
    await profile(page, cdp, stats.longFrameParts, stats.commitLog);
  }
} finally {
  await browser.close();
  await server.close();
  await app.close();
}
