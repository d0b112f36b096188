/**
 * `npm run bench:ui -- --profile`: where the page's main thread spends its time, in figures that depend less on
 * the machine's load than wall-clock shares do. A Chromium trace gives the renderer main thread's time by kind
 * of work (script, style, layout, paint, compositing, GC...), how many style recalculations and layouts ran and
 * how many elements each restyled; a CPU profile gives the scripts' functions by self time.
 */
import type { CDPSession } from '@playwright/test';

/** One Chromium trace event, as much of it as is read here. */
export interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread (CPU) duration. */
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; elementCount?: number; data?: Record<string, unknown> } & Record<string, unknown>;
}

/** What kind of main-thread work an event's own time is (its children's is counted apart), by name. */
const KINDS: readonly [RegExp, string][] = [
  [/^(V8\.GC|MinorGC|MajorGC|BlinkGC|CppGC)/, 'garbage collection'],
  [/^(Document::(recalcStyle|updateStyle)|UpdateLayoutTree|RecalculateStyles|StyleEngine)/, 'style'],
  [/^(LocalFrameView::performLayout|Layout$|InlineNode::|LayoutObject|LayoutBlock)/, 'layout'],
  [/^(Canvas|CanvasRenderingContext2D|CanvasResource)/, 'canvas'],
  [
    /^(Paint$|PrePaint|PaintImage|Blink\.(PrePaint|Paint)\.|LocalFrameView::RunPaintLifecyclePhase|CullRectUpdate)/,
    'paint',
  ],
  [
    /^(PaintArtifactCompositor|ProxyMain::BeginMainFrame::commit|LayerTreeHost|Blink\.CompositingInputs|Commit$|Layerize|UpdateLayer)/,
    'compositing',
  ],
  [
    /^(AnimationTimeline|AnimationHost|PageAnimator|LocalFrameView::ScheduleAnimation|MainFrameAborted)/,
    'animations, frame scheduling',
  ],
  [
    /^(FunctionCall|EvaluateScript|v8\.|V8\.|RunMicrotasks|EventDispatch|TimerFire|FireAnimationFrame|BlinkScheduler_PerformMicrotaskCheckpoint)/,
    'script',
  ],
];

const kindOf = (name: string) => KINDS.find(([pattern]) => pattern.test(name))?.[1] ?? 'other';

export interface TraceBreakdown {
  /** The window the trace covered, ms of wall time. */
  windowMs: number;
  /** Top-level task time on the main thread, ms of wall time. */
  busyMs: number;
  /** The same in the main thread's CPU time, which the machine's load inflates far less. */
  busyCpuMs: number;
  /** CPU self time by kind of work, ms. */
  byKind: Map<string, number>;
  /** CPU self time by event name, ms. */
  byName: Map<string, number>;
  styleRecalcs: number;
  /** Elements restyled, summed over the style recalculations. */
  elementsRestyled: number;
  layouts: number;
  /** Frames the main thread ran (BeginMainFrame). */
  frames: number;
  /** Frames whose result the compositor took (a commit). */
  commits: number;
}

/** The renderer main thread of the page: the `CrRendererMain` thread with the most events. */
function mainThread(events: readonly TraceEvent[]): { pid: number; tid: number } | undefined {
  const counts = new Map<string, number>();
  for (const e of events)
    if (e.ph === 'X') counts.set(`${e.pid} ${e.tid}`, (counts.get(`${e.pid} ${e.tid}`) ?? 0) + 1);
  let best: { pid: number; tid: number; count: number } | undefined;
  for (const e of events) {
    if (e.ph !== 'M' || e.name !== 'thread_name' || e.args?.name !== 'CrRendererMain') continue;
    const count = counts.get(`${e.pid} ${e.tid}`) ?? 0;
    if (!best || count > best.count) best = { pid: e.pid, tid: e.tid, count };
  }
  return best;
}

interface Span {
  name: string;
  start: number;
  end: number;
  cpu: number;
  args: TraceEvent['args'];
}

/**
 * Breaks a trace's main-thread time down by self time (an event's time less its children's), in thread CPU
 * time where the trace has it.
 */
export function traceBreakdown(events: readonly TraceEvent[]): TraceBreakdown | undefined {
  const thread = mainThread(events);
  if (!thread) return undefined;
  const spans: Span[] = [];
  let first = Infinity;
  let last = -Infinity;
  for (const event of events) {
    if (event.pid !== thread.pid || event.tid !== thread.tid || event.ph !== 'X') continue;
    const end = event.ts + (event.dur ?? 0);
    spans.push({
      name: event.name,
      start: event.ts,
      end,
      cpu: event.tdur ?? event.dur ?? 0,
      args: event.args,
    });
    first = Math.min(first, event.ts);
    last = Math.max(last, end);
  }
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const byName = new Map<string, number>();
  const byKind = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, ms: number) => map.set(key, (map.get(key) ?? 0) + ms);
  const stack: { name: string; end: number; self: number }[] = [];
  const close = () => {
    const span = stack.pop();
    if (!span) return;
    add(byName, span.name, span.self / 1000);
    add(byKind, kindOf(span.name), span.self / 1000);
  };
  const found = {
    busyMs: 0,
    busyCpuMs: 0,
    styleRecalcs: 0,
    elementsRestyled: 0,
    layouts: 0,
    frames: 0,
    commits: 0,
  };
  for (const span of spans) {
    while (stack.length > 0 && (stack.at(-1)?.end ?? 0) <= span.start) close();
    const parent = stack.at(-1);
    if (parent) parent.self -= Math.min(span.cpu, parent.self);
    else {
      found.busyMs += (span.end - span.start) / 1000;
      found.busyCpuMs += span.cpu / 1000;
    }
    stack.push({ name: span.name, end: span.end, self: span.cpu });
    if (span.name === 'UpdateLayoutTree') {
      found.styleRecalcs += 1;
      found.elementsRestyled += Number(span.args?.elementCount ?? 0);
    }
    if (span.name === 'LocalFrameView::performLayout') found.layouts += 1;
    if (span.name === 'ProxyMain::BeginMainFrame') found.frames += 1;
    if (span.name === 'ProxyMain::BeginMainFrame::commit') found.commits += 1;
  }
  while (stack.length > 0) close();
  return { windowMs: last > first ? (last - first) / 1000 : 0, byKind, byName, ...found };
}

/** The trace categories that carry the events above. */
export const TRACE_CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
  'blink',
  'cc',
  'v8',
  'v8.execute',
  'blink.user_timing',
  'loading',
  'toplevel',
];

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}

/** Records the page's CPU profile for `ms` and returns its functions by self time, ms each. */
export async function pageProfile(
  cdp: CDPSession,
  ms: number,
  save?: (profile: unknown) => void,
): Promise<{ name: string; ms: number }[]> {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  await cdp.send('Profiler.start');
  await new Promise((resolve) => setTimeout(resolve, ms));
  const { profile } = (await cdp.send('Profiler.stop')) as {
    profile: { nodes: ProfileNode[]; samples?: number[]; timeDeltas?: number[] };
  };
  await cdp.send('Profiler.disable');
  save?.(profile);
  const byNode = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // A sample's time is the gap to the next one.
  samples.forEach((id, i) => byNode.set(id, (byNode.get(id) ?? 0) + (deltas[i + 1] ?? 0) / 1000));
  const byFunction = new Map<string, number>();
  for (const node of profile.nodes) {
    const time = byNode.get(node.id) ?? 0;
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    if (time === 0 || functionName === '(idle)' || functionName === '(program)') continue;
    const file = url.replace(/^https?:\/\/[^/]+/, '');
    const where = file ? ` ${file}:${lineNumber + 1}:${columnNumber + 1}` : '';
    const name = `${functionName || '(anonymous)'}${where}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + time);
  }
  return [...byFunction].sort((a, b) => b[1] - a[1]).map(([name, time]) => ({ name, ms: time }));
}

/** Objects of one kind in a heap snapshot: how many, and their own size in bytes. */
export type HeapCensus = Map<string, { count: number; bytes: number }>;

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Takes a heap snapshot of the page and counts its objects by constructor (or by kind: code, strings…). */
export async function heapCensus(cdp: CDPSession): Promise<HeapCensus> {
  const chunks: string[] = [];
  const collect = ({ chunk }: { chunk: string }) => chunks.push(chunk);
  cdp.on('HeapProfiler.addHeapSnapshotChunk', collect);
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  cdp.off('HeapProfiler.addHeapSnapshotChunk', collect);
  const snapshot = JSON.parse(chunks.join('')) as HeapSnapshot;
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const [type, name, size] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field)) as [
    number,
    number,
    number,
  ];
  const census: HeapCensus = new Map();
  const { nodes, strings } = snapshot;
  for (let i = 0; i < nodes.length; i += fields.length) {
    const kind = types[nodes[i + type] as number] ?? '?';
    const named = kind === 'object' || kind === 'native' || kind === 'closure';
    const key = named ? `${strings[nodes[i + name] as number] ?? '?'}` : `(${kind})`;
    const held = census.get(key) ?? { count: 0, bytes: 0 };
    held.count += 1;
    held.bytes += nodes[i + size] as number;
    census.set(key, held);
  }
  return census;
}

/** What grew between two censuses, most bytes first. */
export function heapGrowth(
  before: HeapCensus,
  after: HeapCensus,
): { name: string; count: number; bytes: number }[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names]
    .map((name) => {
      const a = before.get(name) ?? { count: 0, bytes: 0 };
      const b = after.get(name) ?? { count: 0, bytes: 0 };
      return { name, count: b.count - a.count, bytes: b.bytes - a.bytes };
    })
    .sort((a, b) => b.bytes - a.bytes);
}
