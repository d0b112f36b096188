import type { Connected, Drained, LoadWindow, Memory, ServerWindow, Verdict } from './commands';
import { Histogram } from './histogram';
import type { Scenario } from './scenarios';
import type { ServerKind } from './servers/bench-server';

/** One server's figures in one scenario; the first eleven are the fields the issue names. */
export interface RunResult {
  updatesPerSec: number;
  framesPerSec: number;
  cpuUsPerUpdate: number;
  framesPerCpuSec: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  bytesPerUpdate: number;
  rssKbPerConn: number;
  loopDelayP99Ms: number;
  correct: boolean;
  cpuPct: number;
  /** Of cpuPct, the simulator making ticks: a stand-in for an exchange feed, the same for every server. */
  simCpuPct: number;
  /** cpuUsPerUpdate without the simulator's time. */
  cpuUsPerUpdateExSim: number;
  /** Server CPU with the feed running and no client connected: the part of cpuPct every server pays alike. */
  idleCpuPct: number;
  /**
   * A spike scenario's server CPU (and the simulator's share of it) over windows at the base rate just before and
   * just after the spike, in the same process with the same clients: their mean is the steady state the spike's
   * cpuPct is compared with, which cancels a machine that speeds up or slows down steadily over the run.
   */
  beforeSpikeCpuPct?: number;
  beforeSpikeSimCpuPct?: number;
  afterSpikeCpuPct?: number;
  afterSpikeSimCpuPct?: number;
  /** JS heap and buffers per connection, after GC: what rssKbPerConn is, without allocator and heap slack. */
  heapKbPerConn: number;
  /**
   * Share of the window the server's main thread was ready to run but waited for its core: other processes on
   * the machine (or the server's own helper threads) had it. High values make latency and loop delay unreliable.
   */
  serverWaitPct: number;
  /** The load child's CPU over the window: near 100 would mean the generator, not the server, is the limit. */
  loadCpuPct: number;
  /** As serverWaitPct, for the load child. */
  loadWaitPct: number;
  clients: number;
  /** Frames each client got per second: the flush rate a client sees (1000 / FLUSH_MS at most). */
  framesPerClientSec: number;
  /** Time to open and subscribe every client, with the feed shut. */
  connectMs: number;
  connectFailures: number;
  disconnects: number;
  gaps: number;
  /** Market events per second the feed produced during the window. */
  ticksPerSec: number;
  /** Peak RSS during the window over RSS with every client connected. */
  rssGrowthMb: number;
  loopDelayMaxMs: number;
  /** Share of the window spent in garbage-collection pauses, and the longest pause. */
  gcPct: number;
  gcMaxMs: number;
  drainMs: number;
  fastP99Ms?: number;
  slowP99Ms?: number;
  fastCorrect?: boolean;
  slowCorrect?: boolean;
  slowReadBytesPerSec?: number;
  /** Most bytes held in user space for sending, over all connections, sampled every 250 ms. */
  queuedKbMax?: number;
  /** Most clients the server held frames back from as slow, sampled every 250 ms (O only). */
  behindMax?: number;
  firstMismatch?: string;
  error?: string;
}

export type ScenarioResults = Partial<Record<ServerKind, RunResult>>;

/** Samples of both children from /proc over the window, taken by bench/run.ts. */
export interface Outside {
  elapsedMs: number;
  serverCpuUs: number | undefined;
  serverWaitMs: number | undefined;
  loadWaitMs: number | undefined;
}

export interface Measured {
  connected: Connected;
  idleCpuPct: number;
  beforeSpike?: { cpuPct: number; simCpuPct: number } | undefined;
  afterSpike?: { cpuPct: number; simCpuPct: number } | undefined;
  before: Memory;
  connectedMemory: Memory;
  /** Undefined when the server did not report on the window in time (its event loop was blocked). */
  server: ServerWindow | undefined;
  outside: Outside;
  load: LoadWindow;
  /** Undefined when the run stopped before the end-of-run check. */
  drained: Drained | undefined;
  verdict: Verdict | undefined;
}

const MB = 1024 * 1024;
const percentOf = (part: number | undefined, whole: number) =>
  part === undefined ? NaN : (part / whole) * 100;

export function derive(scenario: Scenario, m: Measured): RunResult {
  const { server, load, verdict, outside } = m;
  const seconds = load.elapsedMs / 1000;
  const updates = load.fast.updates + load.slow.updates;
  const frames = load.fast.frames + load.slow.frames;
  const latency = Histogram.from(load.fast.latency, load.slow.latency);
  // An overloaded server reads the end of the window late: its CPU is taken as a rate over its own window (or
  // from /proc when it did not answer) and applied to the load child's window, which counted the updates.
  const cpuRate = server ? server.cpuUs / server.elapsedMs : (outside.serverCpuUs ?? NaN) / outside.elapsedMs;
  const simulatorRate = server ? server.simulatorUs / server.elapsedMs : NaN;
  const cpuUs = cpuRate * load.elapsedMs;
  const perConn = (bytes: number) => bytes / 1024 / Math.max(1, m.connected.connected);
  const result: RunResult = {
    updatesPerSec: updates / seconds,
    framesPerSec: frames / seconds,
    cpuUsPerUpdate: cpuUs / updates,
    framesPerCpuSec: frames / (cpuUs / 1e6),
    p50Ms: latency.quantile(0.5) / 1000,
    p99Ms: latency.quantile(0.99) / 1000,
    p999Ms: latency.quantile(0.999) / 1000,
    bytesPerUpdate: (load.fast.bytes + load.slow.bytes) / updates,
    rssKbPerConn: perConn(m.connectedMemory.rssBytes - m.before.rssBytes),
    loopDelayP99Ms: server?.loopDelayP99Ms ?? NaN,
    correct:
      verdict !== undefined && verdict.fastCorrect && verdict.slowCorrect && m.connected.failures === 0,
    cpuPct: cpuRate / 10,
    simCpuPct: simulatorRate / 10,
    cpuUsPerUpdateExSim: ((cpuRate - simulatorRate) * load.elapsedMs) / updates,
    idleCpuPct: m.idleCpuPct,
    serverWaitPct: percentOf(outside.serverWaitMs, outside.elapsedMs),
    loadCpuPct: (load.cpuUs / 1000 / load.elapsedMs) * 100,
    loadWaitPct: percentOf(outside.loadWaitMs, outside.elapsedMs),
    clients: m.connected.connected,
    framesPerClientSec: frames / seconds / Math.max(1, m.connected.connected),
    connectMs: m.connected.ms,
    connectFailures: m.connected.failures,
    disconnects: load.disconnects,
    gaps: load.gaps,
    ticksPerSec: server ? server.events / (server.elapsedMs / 1000) : NaN,
    heapKbPerConn: perConn(m.connectedMemory.heapBytes - m.before.heapBytes),
    rssGrowthMb: server ? (server.rssPeakBytes - m.connectedMemory.rssBytes) / MB : NaN,
    loopDelayMaxMs: server?.loopDelayMaxMs ?? NaN,
    gcPct: server ? (server.gcMs / server.elapsedMs) * 100 : NaN,
    gcMaxMs: server?.gcMaxMs ?? NaN,
    drainMs: m.drained?.ms ?? NaN,
  };
  if (m.beforeSpike) {
    result.beforeSpikeCpuPct = m.beforeSpike.cpuPct;
    result.beforeSpikeSimCpuPct = m.beforeSpike.simCpuPct;
  }
  if (m.afterSpike) {
    result.afterSpikeCpuPct = m.afterSpike.cpuPct;
    result.afterSpikeSimCpuPct = m.afterSpike.simCpuPct;
  }
  if (server?.behindMax !== undefined) result.behindMax = server.behindMax;
  if (scenario.slowShare > 0) {
    result.fastP99Ms = Histogram.from(load.fast.latency).quantile(0.99) / 1000;
    result.slowP99Ms = Histogram.from(load.slow.latency).quantile(0.99) / 1000;
    result.fastCorrect = verdict?.fastCorrect ?? false;
    result.slowCorrect = verdict?.slowCorrect ?? false;
    result.slowReadBytesPerSec = load.slowBytesPerSec;
    result.queuedKbMax = server ? server.queuedBytesMax / 1024 : NaN;
  }
  if (m.drained && !m.drained.drained) {
    result.firstMismatch = `clients still receiving after ${Math.round(m.drained.ms)} ms`;
  }
  if (verdict?.firstMismatch) result.firstMismatch = verdict.firstMismatch;
  if (m.connected.firstError) result.error = `connect: ${m.connected.firstError}`;
  if (!server) {
    result.error =
      'the server did not report on the window in time after its feed shut (its event loop was blocked): ' +
      'load-side figures and /proc CPU only, final state not checked';
  }
  return result;
}

/** A run that did not finish: every figure unknown. */
export function failed(error: string): RunResult {
  return {
    updatesPerSec: NaN,
    framesPerSec: NaN,
    cpuUsPerUpdate: NaN,
    framesPerCpuSec: NaN,
    p50Ms: NaN,
    p99Ms: NaN,
    p999Ms: NaN,
    bytesPerUpdate: NaN,
    rssKbPerConn: NaN,
    loopDelayP99Ms: NaN,
    correct: false,
    cpuPct: NaN,
    simCpuPct: NaN,
    cpuUsPerUpdateExSim: NaN,
    idleCpuPct: NaN,
    serverWaitPct: NaN,
    heapKbPerConn: NaN,
    loadCpuPct: NaN,
    loadWaitPct: NaN,
    framesPerClientSec: NaN,
    clients: NaN,
    connectMs: NaN,
    connectFailures: NaN,
    disconnects: NaN,
    gaps: NaN,
    ticksPerSec: NaN,
    rssGrowthMb: NaN,
    loopDelayMaxMs: NaN,
    gcPct: NaN,
    gcMaxMs: NaN,
    drainMs: NaN,
    error,
  };
}

interface Row {
  label: string;
  key: keyof RunResult;
  /** Print N/O and O/L. */
  ratios: boolean;
}

const ROWS: readonly Row[] = [
  { label: 'updates/s delivered', key: 'updatesPerSec', ratios: true },
  { label: 'frames/s', key: 'framesPerSec', ratios: true },
  { label: 'frames/s per client', key: 'framesPerClientSec', ratios: true },
  { label: 'server CPU %', key: 'cpuPct', ratios: true },
  { label: '  of which simulator', key: 'simCpuPct', ratios: false },
  { label: 'server CPU % before clients', key: 'idleCpuPct', ratios: false },
  { label: 'server CPU % before the spike', key: 'beforeSpikeCpuPct', ratios: false },
  { label: '  of which simulator', key: 'beforeSpikeSimCpuPct', ratios: false },
  { label: 'server CPU % after the spike', key: 'afterSpikeCpuPct', ratios: false },
  { label: '  of which simulator', key: 'afterSpikeSimCpuPct', ratios: false },
  { label: 'CPU us / update', key: 'cpuUsPerUpdate', ratios: true },
  { label: 'CPU us / update ex. sim', key: 'cpuUsPerUpdateExSim', ratios: true },
  { label: 'frames / CPU-s', key: 'framesPerCpuSec', ratios: true },
  { label: 'latency p50 ms', key: 'p50Ms', ratios: true },
  { label: 'latency p99 ms', key: 'p99Ms', ratios: true },
  { label: 'latency p99.9 ms', key: 'p999Ms', ratios: true },
  { label: 'bytes / update', key: 'bytesPerUpdate', ratios: true },
  { label: 'RSS KB / conn', key: 'rssKbPerConn', ratios: true },
  { label: 'heap KB / conn', key: 'heapKbPerConn', ratios: true },
  { label: 'RSS growth MB', key: 'rssGrowthMb', ratios: false },
  { label: 'loop delay p99 ms', key: 'loopDelayP99Ms', ratios: true },
  { label: 'loop delay max ms', key: 'loopDelayMaxMs', ratios: false },
  { label: 'GC pauses % of time', key: 'gcPct', ratios: false },
  { label: 'GC longest pause ms', key: 'gcMaxMs', ratios: false },
  { label: 'correct', key: 'correct', ratios: false },
  { label: 'fast clients p99 ms', key: 'fastP99Ms', ratios: true },
  { label: 'slow clients p99 ms', key: 'slowP99Ms', ratios: true },
  { label: 'fast clients correct', key: 'fastCorrect', ratios: false },
  { label: 'slow clients correct', key: 'slowCorrect', ratios: false },
  { label: 'slow read B/s each', key: 'slowReadBytesPerSec', ratios: false },
  { label: 'queued KB max', key: 'queuedKbMax', ratios: false },
  { label: 'clients held back max', key: 'behindMax', ratios: false },
  { label: 'feed events/s', key: 'ticksPerSec', ratios: false },
  { label: 'clients', key: 'clients', ratios: false },
  { label: 'connect ms', key: 'connectMs', ratios: false },
  { label: 'connect failures', key: 'connectFailures', ratios: false },
  { label: 'disconnects', key: 'disconnects', ratios: false },
  { label: 'seq gaps', key: 'gaps', ratios: false },
  { label: 'drain ms', key: 'drainMs', ratios: false },
  { label: 'load CPU %', key: 'loadCpuPct', ratios: false },
  { label: 'server waiting for CPU %', key: 'serverWaitPct', ratios: false },
  { label: 'load waiting for CPU %', key: 'loadWaitPct', ratios: false },
];

/** Three significant digits, thousands grouped; '-' for unknown. */
export function formatNumber(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '-';
  const magnitude = Math.abs(value);
  const digits = magnitude >= 100 || magnitude === 0 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function cell(value: RunResult[keyof RunResult] | undefined): string {
  if (typeof value === 'boolean') return value ? 'yes' : 'NO';
  return typeof value === 'number' ? formatNumber(value) : '-';
}

function ratio(a: RunResult[keyof RunResult] | undefined, b: RunResult[keyof RunResult] | undefined): string {
  if (typeof a !== 'number' || typeof b !== 'number' || b === 0) return '-';
  const value = a / b;
  return Number.isFinite(value) ? `${formatNumber(value)}x` : '-';
}

/** The scenario's table: one row per figure, columns L N O and the ratios N/O and O/L. */
export function table(scenario: Scenario, results: ScenarioResults): string {
  const { L, N, O } = results;
  const header = ['', 'L', 'N', 'O', 'N/O', 'O/L'];
  const lines: string[][] = [header];
  for (const row of ROWS) {
    const values = [L?.[row.key], N?.[row.key], O?.[row.key]];
    if (values.every((value) => value === undefined)) continue;
    lines.push([
      row.label,
      ...values.map(cell),
      row.ratios ? ratio(values[1], values[2]) : '',
      row.ratios ? ratio(values[2], values[0]) : '',
    ]);
  }
  const text = alignColumns(lines);
  const notes = (['L', 'N', 'O'] as const).flatMap((kind) => {
    const result = results[kind];
    return [
      ...(result?.error ? [`  ${kind} error: ${result.error}`] : []),
      ...(result?.firstMismatch ? [`  ${kind} first mismatch: ${result.firstMismatch}`] : []),
    ];
  });
  return [`${scenario.name} ${scenario.title}`, ...text, ...notes, ''].join('\n');
}

/** Rows as text columns: the first left-aligned (labels), the others right-aligned (figures), two spaces apart. */
export function alignColumns(lines: readonly (readonly string[])[]): string[] {
  const widths = (lines[0] ?? []).map((_, column) =>
    Math.max(...lines.map((line) => (line[column] ?? '').length)),
  );
  return lines.map((line) =>
    line
      .map((value, column) =>
        column === 0 ? value.padEnd(widths[0] ?? 0) : value.padStart(widths[column] ?? 0),
      )
      .join('  '),
  );
}
