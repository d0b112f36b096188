/**
 * What bench/run.ts asks its two children, phase by phase, and what they answer. The server child runs one server
 * under test on its own core; the load child runs every client on the other.
 */
import type { HistogramData } from './histogram';
import type { ServerKind } from './servers/bench-server';
import type { FeedMode } from './servers/feed';

export interface ServerStart {
  kind: ServerKind;
  seed: number;
  symbols: number;
  ticksPerSec: number;
  spikeTicksPerSec?: number | undefined;
  flushMs: number;
  /** Sample the bytes queued for sending during the window (slow-consumer scenarios). */
  watchQueues: boolean;
  /** Where to write a CPU profile of the measure window (`.cpuprofile`), if wanted. */
  profilePath?: string | undefined;
}

/** What a bench child measures of itself over the window. */
export interface ProcessWindow {
  /** User plus system CPU time of the process over the window. */
  cpuUs: number;
  elapsedMs: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  rssEndBytes: number;
  rssPeakBytes: number;
  /** Garbage-collection pauses of the main thread: their sum and the longest. */
  gcMs: number;
  gcMaxMs: number;
}

export interface ServerWindow extends ProcessWindow {
  queuedBytesMax: number;
  /** Most clients held back as slow at one sample, for a server that keeps that count. */
  behindMax?: number;
  /** Market events the feed produced over the window. */
  events: number;
  /** Of `cpuUs`, the time the simulator spent making ticks (the same for every server). */
  simulatorUs: number;
}

export interface Memory {
  rssBytes: number;
  /** V8 heap in use plus memory outside it held by JS objects (buffers). */
  heapBytes: number;
}

export interface ServerCommands {
  start: { request: ServerStart; reply: { port: number } };
  /** CPU use over `ms` as things stand (before any client: the feed and the market alone). */
  idle: { request: { ms: number }; reply: { cpuPct: number } };
  /** The simulator's CPU time so far, and the server's clock when it answered (both ms). */
  simulator: { request: null; reply: { ms: number; at: number } };
  /** Memory after a full garbage collection. */
  memory: { request: null; reply: Memory };
  /** What the feed lets through from now on. */
  feed: { request: { mode: FeedMode }; reply: null };
  /**
   * Opens the window, with the feed in `mode` when given (a spike); the feed shuts by itself when it ends, or goes
   * to `then` (back to the base rate after a spike).
   */
  measureStart: { request: { windowMs: number; mode?: FeedMode; then?: FeedMode }; reply: null };
  measureEnd: { request: null; reply: ServerWindow };
  stopTicks: { request: null; reply: null };
  finalState: { request: null; reply: Record<string, number[]> };
  close: { request: null; reply: null };
}

export interface LoadConnect {
  kind: ServerKind;
  port: number;
  seed: number;
  symbols: number;
  clients: number;
  symbolsPerClient: number;
  slowShare: number;
  /** Connections opened at a time. */
  batch: number;
  /** For one connection to open and subscribe. */
  timeoutMs: number;
  /** No batch is started after this long; the clients not tried count as failures. */
  deadlineMs: number;
}

export interface Connected {
  connected: number;
  failures: number;
  firstError?: string | undefined;
  ms: number;
}

/** What one group of clients (fast or slow) received over the window. */
export interface Received {
  clients: number;
  frames: number;
  updates: number;
  /** Bytes read off the TCP sockets, framing included. */
  bytes: number;
  /** Tick-to-client latency of each update, microseconds. */
  latency: HistogramData;
}

export interface LoadWindow {
  elapsedMs: number;
  cpuUs: number;
  fast: Received;
  slow: Received;
  /** Rate slow clients were held to, bytes per second each. */
  slowBytesPerSec: number;
  disconnects: number;
  /** Updates whose seq was not the next one (the client resynced those symbols). */
  gaps: number;
}

export interface Drained {
  drained: boolean;
  ms: number;
}

export interface Verdict {
  fastCorrect: boolean;
  slowCorrect: boolean;
  /** Client symbols whose state differs from the server's (or is stale, or missing). */
  mismatches: number;
  checked: number;
  disconnected: number;
  firstMismatch?: string | undefined;
}

export interface LoadCommands {
  connect: { request: LoadConnect; reply: Connected };
  measureStart: { request: { slowSpeed: number; profilePath?: string | undefined }; reply: null };
  measureEnd: { request: null; reply: LoadWindow };
  /** Lets slow clients read at full speed and waits until nothing has arrived for `quietMs`. */
  drain: { request: { quietMs: number; timeoutMs: number }; reply: Drained };
  verify: { request: { expected: Record<string, number[]> }; reply: Verdict };
  close: { request: null; reply: null };
}

/** The ingest child's start: the bench's seeded feed, published to Redis as `npm run ingest` publishes. */
export interface IngestStart {
  redisUrl: string;
  seed: number;
  symbols: number;
  ticksPerSec: number;
}

export interface IngestWindow extends ProcessWindow {
  /** Market events the feed produced over the window. */
  events: number;
  /** Of `cpuUs`, the time the simulator spent making ticks. */
  simulatorUs: number;
}

/** What bench/gateways.ts asks the ingest child (`bench/ingest-child.ts`). */
export interface IngestCommands {
  start: { request: IngestStart; reply: null };
  /** What the feed lets through from now on. */
  feed: { request: { mode: FeedMode }; reply: null };
  /** Opens the window; the feed shuts by itself when it ends. */
  measureStart: { request: { windowMs: number }; reply: null };
  measureEnd: { request: null; reply: IngestWindow };
  /** Stops the ticks for good; answers once every change is in Redis, with the market's position then. */
  stopTicks: { request: null; reply: { position: number } };
  finalState: { request: null; reply: Record<string, number[]> };
  close: { request: null; reply: null };
}

/** What bench/gateways.ts asks a gateway child (`bench/gateway-child.ts`). */
export interface GatewayCommands {
  start: { request: { redisUrl: string; flushMs: number }; reply: { port: number } };
  /** CPU use over `ms` as things stand (before any client: following the stream alone). */
  idle: { request: { ms: number }; reply: { cpuPct: number } };
  /** The position of the last change its replica applied. */
  position: { request: null; reply: number };
  memory: { request: null; reply: Memory };
  measureStart: { request: null; reply: null };
  measureEnd: { request: null; reply: ProcessWindow };
  finalState: { request: null; reply: Record<string, number[]> };
  close: { request: null; reply: null };
}
