/**
 * The figures of `npm run bench -- --gateways N`: what one run (ingest, redis-server, some gateways, a load child
 * per gateway) measured, reduced to per-run results, and the one-gateway and N-gateway runs side by side with
 * their ratio, as a text table and as markdown rows for docs/performance.md.
 */
import type {
  Connected,
  Drained,
  IngestWindow,
  LoadWindow,
  Memory,
  ProcessWindow,
  Verdict,
} from './commands';
import { Histogram } from './histogram';
import { alignColumns, formatNumber } from './report';

/** Bytes and entries of the change stream, and Redis' own network counters, over the window. */
export interface StreamWindow {
  /** Stream entries added (each a batch of market changes). */
  entries: number;
  /** Their payload bytes (the MessagePack rows). */
  bytes: number;
  /** Bytes Redis read from and wrote to all its clients (`INFO stats`). */
  redisInBytes: number;
  redisOutBytes: number;
  /** The checkpoint's size at the end of the window (what a gateway reads when it starts or reloads). */
  checkpointBytes: number;
}

/** Everything one run measured; per gateway (and its load child) the arrays are in the same order. */
export interface GatewayRunMeasured {
  gateways: number;
  connected: readonly Connected[];
  loads: readonly LoadWindow[];
  gatewayWindows: readonly ProcessWindow[];
  /** Each gateway's CPU, % of a core, following the stream with the feed on and no client connected. */
  gatewayIdleCpuPct: readonly number[];
  ingest: IngestWindow;
  /** Sampled from /proc over the window, as seen from outside. */
  outside: {
    elapsedMs: number;
    redisCpuUs: number | undefined;
    /** How long each gateway's and each load child's main thread was ready to run but waited for a core. */
    gatewayWaitMs: readonly number[];
    loadWaitMs: readonly number[];
  };
  stream: StreamWindow;
  /** Each gateway's memory after a full GC, before any client and with every client subscribed. */
  before: readonly Memory[];
  connectedMemory: readonly Memory[];
  /** Undefined where the run stopped before the end-of-run check. */
  drained: readonly Drained[] | undefined;
  verdicts: readonly Verdict[] | undefined;
  /** Whether every gateway's replica ended with the ingest's quotes. */
  replicasAgree: boolean | undefined;
  /** The machine's 1-minute load average at the end of the window. */
  loadAverage: number;
}

export interface GatewayRunResult {
  gateways: number;
  clients: number;
  updatesPerSec: number;
  framesPerClientSec: number;
  /** The gateway processes together, % of one core. */
  gatewayCpuPct: number;
  /** Gateway CPU time per delivered update: the fan-out's cost, summed over gateways. */
  gatewayCpuUsPerUpdate: number;
  /** The same per frame sent: steadier when a starved gateway flushes late and conflates more per frame. */
  gatewayCpuUsPerFrame: number;
  /**
   * A gateway's CPU (the mean over gateways) following the stream with no client: the fixed cost every gateway
   * pays whatever its clients, part of gatewayCpuPct.
   */
  gatewayIdleCpuPct: number;
  ingestCpuPct: number;
  /** Of ingestCpuPct, the simulator making ticks (a stand-in for exchange connections). */
  ingestSimCpuPct: number;
  redisCpuPct: number;
  /** Gateways, ingest and Redis together, per delivered update. */
  allCpuUsPerUpdate: number;
  p50Ms: number;
  p99Ms: number;
  bytesPerUpdate: number;
  /** What the clients read, all gateways together. */
  egressKBPerSec: number;
  streamEntriesPerSec: number;
  streamKBPerSec: number;
  redisInKBPerSec: number;
  redisOutKBPerSec: number;
  checkpointKB: number;
  rssKbPerConn: number;
  /** The worst gateway's. */
  loopDelayP99Ms: number;
  /** The busiest load child's CPU: near 100 the generator, not the gateways, is the limit. */
  loadCpuPct: number;
  /**
   * Share of the window the most delayed gateway (and load child) was ready to run but waited for its core: other
   * processes had it. High values make latency, loop delay and frames per client unreliable, not CPU per update.
   */
  gatewayWaitPct: number;
  loadWaitPct: number;
  ticksPerSec: number;
  correct: boolean;
  connectFailures: number;
  disconnects: number;
  gaps: number;
  loadAverage: number;
  firstMismatch?: string;
  error?: string;
}

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
/** Per second, of something counted over `ms`. */
const perSecond = (count: number, ms: number) => count / (ms / 1000);

export function deriveGatewayRun(m: GatewayRunMeasured): GatewayRunResult {
  const updates = sum(m.loads.map((load) => load.fast.updates + load.slow.updates));
  const bytes = sum(m.loads.map((load) => load.fast.bytes + load.slow.bytes));
  // Each load child counted over its own window (they open and close within milliseconds of each other).
  const updatesPerSec = sum(m.loads.map((l) => perSecond(l.fast.updates + l.slow.updates, l.elapsedMs)));
  const clients = sum(m.connected.map((c) => c.connected));
  const framesPerSec = sum(m.loads.map((l) => perSecond(l.fast.frames + l.slow.frames, l.elapsedMs)));
  // CPU as a rate over each process's own window (µs of CPU per ms), summed over the gateways.
  const gatewayRate = sum(m.gatewayWindows.map((w) => w.cpuUs / w.elapsedMs));
  const ingestRate = m.ingest.cpuUs / m.ingest.elapsedMs;
  const redisRate = (m.outside.redisCpuUs ?? NaN) / m.outside.elapsedMs;
  const latency = Histogram.from(...m.loads.flatMap((load) => [load.fast.latency, load.slow.latency]));
  const loadRates = m.loads.map((load) => load.cpuUs / load.elapsedMs);
  const verdictsCorrect = m.verdicts !== undefined && m.verdicts.every((v) => v.fastCorrect && v.slowCorrect);
  const connectFailures = sum(m.connected.map((c) => c.failures));
  const result: GatewayRunResult = {
    gateways: m.gateways,
    clients,
    updatesPerSec,
    framesPerClientSec: framesPerSec / Math.max(1, clients),
    gatewayCpuPct: gatewayRate / 10,
    gatewayCpuUsPerUpdate: (gatewayRate * 1000) / updatesPerSec,
    gatewayCpuUsPerFrame: (gatewayRate * 1000) / framesPerSec,
    gatewayIdleCpuPct: sum(m.gatewayIdleCpuPct) / Math.max(1, m.gatewayIdleCpuPct.length),
    ingestCpuPct: ingestRate / 10,
    ingestSimCpuPct: m.ingest.simulatorUs / m.ingest.elapsedMs / 10,
    redisCpuPct: redisRate / 10,
    allCpuUsPerUpdate: ((gatewayRate + ingestRate + redisRate) * 1000) / updatesPerSec,
    p50Ms: latency.quantile(0.5) / 1000,
    p99Ms: latency.quantile(0.99) / 1000,
    bytesPerUpdate: bytes / updates,
    egressKBPerSec: (bytes / 1024) * (updatesPerSec / updates),
    streamEntriesPerSec: perSecond(m.stream.entries, m.outside.elapsedMs),
    streamKBPerSec: perSecond(m.stream.bytes / 1024, m.outside.elapsedMs),
    redisInKBPerSec: perSecond(m.stream.redisInBytes / 1024, m.outside.elapsedMs),
    redisOutKBPerSec: perSecond(m.stream.redisOutBytes / 1024, m.outside.elapsedMs),
    checkpointKB: m.stream.checkpointBytes / 1024,
    rssKbPerConn:
      (sum(m.connectedMemory.map((mem) => mem.rssBytes)) - sum(m.before.map((mem) => mem.rssBytes))) /
      1024 /
      Math.max(1, clients),
    loopDelayP99Ms: Math.max(...m.gatewayWindows.map((w) => w.loopDelayP99Ms)),
    loadCpuPct: Math.max(...loadRates) / 10,
    gatewayWaitPct: (Math.max(...m.outside.gatewayWaitMs) / m.outside.elapsedMs) * 100,
    loadWaitPct: (Math.max(...m.outside.loadWaitMs) / m.outside.elapsedMs) * 100,
    ticksPerSec: perSecond(m.ingest.events, m.ingest.elapsedMs),
    correct: verdictsCorrect && m.replicasAgree === true && connectFailures === 0,
    connectFailures,
    disconnects: sum(m.loads.map((load) => load.disconnects)),
    gaps: sum(m.loads.map((load) => load.gaps)),
    loadAverage: m.loadAverage,
  };
  const stuck = m.drained?.find((d) => !d.drained);
  if (stuck) result.firstMismatch = `clients still receiving after ${Math.round(stuck.ms)} ms`;
  const mismatch = m.verdicts?.find((v) => v.firstMismatch)?.firstMismatch;
  if (mismatch) result.firstMismatch = mismatch;
  if (m.replicasAgree === false)
    result.error = "a gateway's replica ended with other quotes than the ingest's";
  const connectError = m.connected.find((c) => c.firstError)?.firstError;
  if (connectError) result.error = `connect: ${connectError}`;
  return result;
}

/** A run that did not finish: every figure unknown. */
export function failedGatewayRun(gateways: number, error: string, loadAverage: number): GatewayRunResult {
  return {
    gateways,
    clients: NaN,
    updatesPerSec: NaN,
    framesPerClientSec: NaN,
    gatewayCpuPct: NaN,
    gatewayCpuUsPerUpdate: NaN,
    gatewayCpuUsPerFrame: NaN,
    gatewayIdleCpuPct: NaN,
    ingestCpuPct: NaN,
    ingestSimCpuPct: NaN,
    redisCpuPct: NaN,
    allCpuUsPerUpdate: NaN,
    p50Ms: NaN,
    p99Ms: NaN,
    bytesPerUpdate: NaN,
    egressKBPerSec: NaN,
    streamEntriesPerSec: NaN,
    streamKBPerSec: NaN,
    redisInKBPerSec: NaN,
    redisOutKBPerSec: NaN,
    checkpointKB: NaN,
    rssKbPerConn: NaN,
    loopDelayP99Ms: NaN,
    loadCpuPct: NaN,
    gatewayWaitPct: NaN,
    loadWaitPct: NaN,
    ticksPerSec: NaN,
    correct: false,
    connectFailures: NaN,
    disconnects: NaN,
    gaps: NaN,
    loadAverage,
    error,
  };
}

interface Row {
  label: string;
  key: keyof GatewayRunResult;
}

const ROWS: readonly Row[] = [
  { label: 'clients', key: 'clients' },
  { label: 'updates/s delivered', key: 'updatesPerSec' },
  { label: 'frames/s per client', key: 'framesPerClientSec' },
  { label: 'gateway CPU % (sum)', key: 'gatewayCpuPct' },
  { label: 'gateway CPU us / update', key: 'gatewayCpuUsPerUpdate' },
  { label: 'gateway CPU us / frame', key: 'gatewayCpuUsPerFrame' },
  { label: 'one gateway, no client CPU %', key: 'gatewayIdleCpuPct' },
  { label: 'latency p50 ms', key: 'p50Ms' },
  { label: 'latency p99 ms', key: 'p99Ms' },
  { label: 'ingest CPU %', key: 'ingestCpuPct' },
  { label: 'ingest simulator CPU %', key: 'ingestSimCpuPct' },
  { label: 'redis-server CPU %', key: 'redisCpuPct' },
  { label: 'all CPU us / update', key: 'allCpuUsPerUpdate' },
  { label: 'stream entries/s', key: 'streamEntriesPerSec' },
  { label: 'stream KB/s', key: 'streamKBPerSec' },
  { label: 'redis in KB/s', key: 'redisInKBPerSec' },
  { label: 'redis out KB/s', key: 'redisOutKBPerSec' },
  { label: 'checkpoint KB', key: 'checkpointKB' },
  { label: 'client egress KB/s', key: 'egressKBPerSec' },
  { label: 'bytes / update', key: 'bytesPerUpdate' },
  { label: 'RSS KB / conn', key: 'rssKbPerConn' },
  { label: 'loop delay p99 ms (worst)', key: 'loopDelayP99Ms' },
  { label: 'feed events/s', key: 'ticksPerSec' },
  { label: 'correct', key: 'correct' },
  { label: 'connect failures', key: 'connectFailures' },
  { label: 'disconnects', key: 'disconnects' },
  { label: 'seq gaps', key: 'gaps' },
  { label: 'load CPU % (busiest)', key: 'loadCpuPct' },
  { label: 'gateway waiting for CPU % (worst)', key: 'gatewayWaitPct' },
  { label: 'load waiting for CPU % (worst)', key: 'loadWaitPct' },
  { label: 'load average (1 min)', key: 'loadAverage' },
];

/** Figures of the machine or the run's health, where a ratio means nothing. */
const NO_RATIO = new Set<keyof GatewayRunResult>([
  'correct',
  'loadAverage',
  'gatewayWaitPct',
  'loadWaitPct',
  'connectFailures',
  'disconnects',
  'gaps',
]);

function cell(value: GatewayRunResult[keyof GatewayRunResult]): string {
  if (typeof value === 'boolean') return value ? 'yes' : 'NO';
  return typeof value === 'number' ? formatNumber(value) : '-';
}

/** `many / one` for a figure both runs measured, as printed ('-' where there is none). */
export function ratioCell(
  one: GatewayRunResult[keyof GatewayRunResult],
  many: GatewayRunResult[keyof GatewayRunResult],
): string {
  if (typeof one !== 'number' || typeof many !== 'number' || one === 0) return '-';
  const value = many / one;
  return Number.isFinite(value) ? `${formatNumber(value)}x` : '-';
}

/** The rows of the comparison: figure, one gateway, N gateways, N/1. */
export function comparisonRows(one: GatewayRunResult, many: GatewayRunResult): string[][] {
  return ROWS.map(({ label, key }) => [
    label,
    cell(one[key]),
    cell(many[key]),
    NO_RATIO.has(key) ? '' : ratioCell(one[key], many[key]),
  ]);
}

function notes(runs: readonly GatewayRunResult[]): string[] {
  return runs.flatMap((run) => [
    ...(run.error ? [`  ${run.gateways} gateway(s) error: ${run.error}`] : []),
    ...(run.firstMismatch ? [`  ${run.gateways} gateway(s) first mismatch: ${run.firstMismatch}`] : []),
  ]);
}

/** The comparison as the command prints it. */
export function comparisonTable(title: string, one: GatewayRunResult, many: GatewayRunResult): string {
  const header = ['', '1 gateway', `${many.gateways} gateways`, `${many.gateways}/1`];
  const lines = [header, ...comparisonRows(one, many)];
  const text = alignColumns(lines);
  return [title, ...text, ...notes([one, many]), ''].join('\n');
}

/** The comparison as a markdown table, to paste into docs/performance.md. */
export function comparisonMarkdown(one: GatewayRunResult, many: GatewayRunResult): string {
  const header = ['', '1 gateway', `${many.gateways} gateways`, `${many.gateways}/1`];
  const rows = comparisonRows(one, many).map(([label, ...rest]) => [(label ?? '').trim(), ...rest]);
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(['---', '---:', '---:', '---:']), ...rows.map(line), ''].join('\n');
}

/** The numeric fields of Redis' `INFO` answer (`name:value` lines; sections and text values left out). */
export function parseRedisInfo(answer: string): Record<string, number> {
  const fields: Record<string, number> = {};
  for (const line of answer.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (line.startsWith('#') || colon < 0) continue;
    const text = line.slice(colon + 1).trim();
    const value = Number(text);
    if (text !== '' && Number.isFinite(value)) fields[line.slice(0, colon)] = value;
  }
  return fields;
}
