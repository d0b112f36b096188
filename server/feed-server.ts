import { readFileSync } from 'node:fs';
import { createServer, ServerResponse, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import type { UnixMillis } from '../lib/nominal';
import type { Limits, StatusEntry, StatusUpdate } from '../lib/protocol';
import { shiftedClock, systemClock, type Clock } from './clock';
import type { Config } from './config';
import { FanOut } from './fanout/fan-out';
import { guardConnections, type EngineSession } from './guard/connections';
import { requireSocketToken } from './guard/socket-auth';
import { tokenVerifier } from './guard/token';
import { createApi, type ApiHandler } from './http/api';
import { proxyTrust } from './http/client-address';
import { frontDoor } from './http/front-door';
import { routeUpgrades, type UpgradeHandler } from './http/upgrades';
import { createOperations, type ReadinessCheck } from './http/operations';
import { createLogger, type Logger } from './logger';
import { MarketState } from './market/market-state';
import type { MarketView } from './market/market-view';
import { createMetrics, type Metrics, type ReplicationStatus } from './metrics';
import { drainConnections } from './socket/drain';
import { originPolicy } from './socket/origin';
import { MAX_PACKET_BYTES, serverParser } from './socket/packet-parser';
import { sweepQueues } from './socket/connection';
import { attachSockets, type FeedIo } from './socket/socket-server';
import type { PriceSource, SourceEvent, SourceHealth } from './source/price-source';
import { createSources, isReplay } from './source/sources';
import { Recorder } from './replay/recorder';
import { Replay } from './replay/replay';
import { replayApi, type ReplayControls } from './http/replay-api';

export interface FeedServerOptions {
  config: Config;
  /** The market's time (with `SIM_START`, a shifted one). */
  clock?: Clock;
  /**
   * Real time, for what guards the server: token expiry, per-address rates, the handshake timeout. It stays the
   * wall clock when `SIM_START` shifts the market's; given a `clock` (a test's), that one by default.
   */
  wallClock?: Clock;
  /**
   * Where prices come from, one source or several; defaults to those `FEED` names (the simulator alone). Ignored
   * when `market` is given.
   */
  source?: PriceSource | readonly PriceSource[];
  /**
   * A market kept elsewhere (a gateway's replica of the ingest's market): the server then runs no source (and no
   * replay or recording) and serves this view as its owner changes it.
   */
  market?: MarketView;
  logger?: Logger;
  /**
   * Serves what the feed does not (the Next.js pages), maybe asynchronously; without it such requests get a 404.
   * Its responses carry the page headers (CSP with a nonce Next reads from the request).
   */
  fallback?: (request: IncomingMessage, response: ServerResponse) => unknown;
  /** The fallback is Next in development mode, whose pages need a looser script policy. */
  devPages?: boolean;
  /** Takes the WebSocket upgrades that are not Socket.IO's (Next's HMR socket in development); refused without it. */
  upgrade?: UpgradeHandler | undefined;
  /** More conditions of `/readyz` (a gateway's Redis link). */
  readiness?: () => readonly ReadinessCheck[];
  /** How the sources of a market kept elsewhere are doing, for /healthz and the metrics. */
  sourceHealth?: () => Record<string, SourceHealth>;
  /** A gateway's link to Redis, for the metrics. */
  replication?: () => ReplicationStatus;
  /** Sets up Socket.IO before it serves (a gateway installs the Redis adapter here). */
  configureIo?: (io: FeedIo) => void;
  /** Does not listen on PORT: a cluster worker is handed its connections by the primary. */
  listen?: false;
}

export interface FeedServer {
  readonly http: HttpServer;
  readonly io: FeedIo;
  readonly market: MarketView;
  readonly fanOut: FanOut;
  readonly metrics: Metrics;
  /** With `FEED=replay:…`, the replay its controls act on. */
  readonly replay: Replay | undefined;
  /** With `RECORD`, the recording files written so far. */
  readonly recorder: Recorder | undefined;
  /** The port it listens on (useful with PORT=0); 0 when it does not listen itself. */
  readonly port: number;
  /** `http` or `https`. */
  readonly scheme: 'http' | 'https';
  /**
   * A graceful stop: refuses new connections and reports not ready, sends every client a last frame, asks each to
   * reconnect elsewhere at a moment spread over `spreadMs`, and closes once all have gone (or at `spreadMs`).
   */
  drain(spreadMs: number): Promise<void>;
  close(): Promise<void>;
}

/** How often every connection's unread output is checked against MAX_QUEUED_BYTES. */
const QUEUE_SWEEP_MS = 1000;

/** Request limits, the same for every connection. */
export function limitsFor(config: Config): Limits {
  return {
    maxSymbolsPerRequest: 50,
    maxSubscriptions: config.MAX_SUBSCRIPTIONS,
    maxCandleStreams: 4,
    maxRequestBytes: 4096,
    requestsPerSecond: 20,
    maxBars: config.HISTORY_BARS,
    maxQueuedBytes: config.MAX_QUEUED_BYTES,
  };
}

/** The system clock, or with `SIM_START` one that starts there and runs at the real pace. */
export function clockFor(config: Config): Clock {
  return config.SIM_START === undefined
    ? systemClock
    : shiftedClock(systemClock, config.SIM_START as UnixMillis);
}

/** The certificate and key files named by TLS_CERT and TLS_KEY, read once; a missing file stops the start. */
function tlsOptions(config: Config): { cert: Buffer; key: Buffer } | undefined {
  if (!config.TLS_CERT || !config.TLS_KEY) return undefined;
  const read = (variable: string, path: string) => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new Error(`${variable}: cannot read ${path}: ${(error as Error).message}`, { cause: error });
    }
  };
  return { cert: read('TLS_CERT', config.TLS_CERT), key: read('TLS_KEY', config.TLS_KEY) };
}

/**
 * Builds the feed end to end (source, market state, fan-out, sockets and HTTP API), backfills the history and
 * listens. Data flows one way: source events update the market state, which marks the fan-out dirty, which sends
 * frames at each flush.
 */
export async function startFeedServer(options: FeedServerOptions): Promise<FeedServer> {
  const { config } = options;
  // The market's clock (SIM_START or a replay move it) and the real one, for what real people's time governs:
  // token expiry, connection guards and API rates.
  const replayName = config.FEED.find(isReplay);
  const replay =
    options.source === undefined && options.market === undefined && replayName !== undefined
      ? Replay.open(replayName.slice('replay:'.length), config.REPLAY_SPEED, systemClock)
      : undefined;
  const clock = options.clock ?? replay?.clock ?? clockFor(config);
  const wallClock = options.wallClock ?? options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const recorder =
    config.RECORD && !options.market
      ? new Recorder({ path: config.RECORD, maxBytes: config.RECORD_MAX_BYTES, clock })
      : undefined;
  const limits = limitsFor(config);
  const tls = tlsOptions(config);

  let market: MarketView;
  let state: MarketState | undefined;
  let startSources: () => () => void = () => () => {};
  let sourceHealth: () => Record<string, SourceHealth> = options.sourceHealth ?? (() => ({}));
  const started = clock.now();
  if (options.market) {
    market = options.market;
  } else {
    const given = options.source ?? replay ?? createSources(config, clock, logger);
    const sources = (Array.isArray(given) ? given : [given as PriceSource]).map((source) =>
      recorder ? recorder.wrap(source) : source,
    );
    const built = buildMarket(config, clock, sources);
    logger.info({ symbols: built.market.instruments.length, ms: built.ms }, 'history ready');
    market = state = built.market;
    startSources = built.start;
    sourceHealth = built.health;
  }

  const fanOut = new FanOut(market, {
    flushMs: config.FLUSH_MS,
    minFlushMs: config.FLUSH_MIN_MS,
    maxFlushMs: config.FLUSH_MAX_MS,
    slowClientMs: config.SLOW_CLIENT_MS,
    sendSliceMs: 4,
    clock,
    // Called from the first flush on, once `metrics` below exists.
    onFlushed: (ms) => metrics.observeFlush(ms),
  });
  let draining = false;
  const metrics = createMetrics({
    fanOut,
    position: () => market.position,
    sourceStates: () =>
      Object.fromEntries(Object.entries(sourceHealth()).map(([name, health]) => [name, health.state])),
    ...(options.replication ? { replication: options.replication } : {}),
  });
  const trusted = proxyTrust(config.TRUSTED_PROXIES);
  const origins = originPolicy({
    allowed: config.ALLOWED_ORIGINS,
    publicOrigin: config.PUBLIC_ORIGIN,
    trusted,
  });
  const verify = config.AUTH_SECRET ? tokenVerifier(config.AUTH_SECRET, wallClock) : undefined;
  // The replay's controls act on what every viewer sees: behind the API's token and rate like any route.
  const replayControls = replay && state && replayApi(controlsOf(replay, state, () => ({ io, started })));
  const api = createApi({
    routes: replayControls ? { '/api/replay': replayControls } : undefined,
    market,
    clock: wallClock,
    maxBars: limits.maxBars,
    origins,
    trusted,
    requestsPerSecond: config.API_REQUESTS_PER_SECOND,
    barsPerSecond: config.API_BARS_PER_SECOND,
    verify,
    logger,
    health: () => ({
      uptimeSeconds: Math.round(process.uptime()),
      connections: fanOut.clientCount,
      symbols: market.instruments.length,
      sources: sourceHealth(),
    }),
  });
  const operations = createOperations({
    metrics,
    readiness: () => [
      { name: 'history', ok: market.instruments.length > 0 },
      { name: 'accepting', ok: !draining, ...(draining ? { detail: 'shutting down' } : {}) },
      ...(options.readiness?.() ?? []),
    ],
  });
  const routes: ApiHandler = (request, response, url) =>
    operations(request, response, url) || api(request, response, url);
  const handler = frontDoor({
    api: routes,
    fallback: options.fallback,
    origins,
    trusted,
    devPages: options.devPages ?? false,
    logger,
  });
  // An https server is an http server with TLS under it: everything above it is the same.
  const http: HttpServer = tls ? createHttpsServer(tls, handler) : createServer(handler);
  const io: FeedIo = new Server(http, {
    serveClient: false,
    // MessagePack, as every client of the feed (docs/protocol.md), decoded within limits (server/socket/packet-parser.ts).
    parser: serverParser,
    // A packet over this closes the connection; requests are refused politely far below it (maxRequestBytes).
    maxHttpBufferSize: MAX_PACKET_BYTES,
    // An Engine.IO connection that has not joined the namespace by then is closed.
    connectTimeout: config.HANDSHAKE_TIMEOUT_MS,
    allowRequest: (request, callback) => {
      if (draining) return callback('shutting down', false);
      const admission = origins.admit(request);
      if (!admission.ok) return callback(admission.reason, false);
      if (!guard.admitSession(request)) return callback('too many connections from this address', false);
      callback(null, true);
    },
  });
  // Engine.IO listens for every upgrade itself; one router takes them instead, each to exactly one handler.
  for (const listener of http.listeners('upgrade')) http.off('upgrade', listener as () => void);
  http.on(
    'upgrade',
    routeUpgrades({
      socketIoPath: `${io.path()}/`,
      socketIo: (request, socket, head) => io.engine.handleUpgrade(request, socket, head),
      other: options.upgrade,
    }),
  );
  options.configureIo?.(io);
  const guard = guardConnections(http, {
    maxPerAddress: config.MAX_CONNECTIONS_PER_IP,
    handshakeTimeoutMs: config.HANDSHAKE_TIMEOUT_MS,
    trusted,
    clock: wallClock,
    logger,
  });
  io.engine.on('connection', (raw: Omit<EngineSession, 'request'> & { request: unknown }) => {
    guard.trackSession(raw as EngineSession);
    // The handshake request is not needed once connected; dropping it saves memory per connection.
    raw.request = null;
  });
  // Long-polling answers are data, like the API's.
  io.engine.on('headers', (headers: Record<string, string>) => {
    headers['X-Content-Type-Options'] = 'nosniff';
  });
  if (verify) requireSocketToken(io, verify, wallClock, logger);
  releaseUpgradeRequests(io);
  attachSockets(io, { market, fanOut, limits, clock, logger });
  const stopStatus = pushStatus(io, market);

  if (options.listen !== false) {
    try {
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(config.PORT, config.HOST, () => {
          http.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      io.close();
      throw error;
    }
  }
  // Only once listening: a server that cannot bind its port must not keep ticking.
  const stopFanOut = fanOut.start();
  const stopSweep = sweepQueues(io, clock, QUEUE_SWEEP_MS);
  const stopSources = startSources();
  const port = options.listen === false ? 0 : (http.address() as AddressInfo).port;

  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      stopSources();
      recorder?.close();
      stopStatus();
      stopSweep();
      stopFanOut();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      // Connections handed over by a cluster primary are not the server's to wait for.
      http.closeAllConnections();
    })());

  return {
    http,
    io,
    market,
    fanOut,
    metrics,
    replay,
    recorder,
    port,
    scheme: tls ? 'https' : 'http',
    async drain(spreadMs) {
      if (draining) return;
      draining = true;
      logger.info({ connections: fanOut.clientCount, spreadMs }, 'draining');
      // No new connections; those open stay until they are told to go.
      if (http.listening) http.close();
      fanOut.flush();
      await drainConnections(io, { spreadMs, clock: wallClock });
    },
    close,
  };
}

/**
 * A replay's controls for the API. A seek closes every connection (the pages reconnect and resync from
 * snapshots: they may hold bars from after the new time) and rebuilds the market from the recording up to it.
 */
function controlsOf(
  replay: Replay,
  market: MarketState,
  parts: () => { io: FeedIo; started: UnixMillis },
): ReplayControls {
  return {
    state: () => replay.state(),
    play: () => replay.play(),
    pause: () => replay.pause(),
    setSpeed: (speed) => replay.setSpeed(speed),
    seek: (time) =>
      replay.seek(time, (backfill, upTo) => {
        const { io, started } = parts();
        for (const socket of io.of('/').sockets.values()) socket.conn.close();
        market.reset();
        market.backfill({ backfill }, started);
        upTo((event) => market.apply(event));
      }),
  };
}

/**
 * The market of one process: its sources' instruments and history loaded into a market state, and the function
 * that starts their live events.
 */
export function buildMarket(
  config: Config,
  clock: Clock,
  given: PriceSource | readonly PriceSource[],
): { market: MarketState; ms: number; start: () => () => void; health: () => Record<string, SourceHealth> } {
  const sources: readonly PriceSource[] = Array.isArray(given) ? given : [given as PriceSource];
  const market = new MarketState([], config.HISTORY_BARS);
  const started = clock.now();
  for (const source of sources) {
    for (const instrument of source.instruments) market.addInstrument(instrument, source.name, 'live');
    market.backfill(source, started);
  }
  return {
    market,
    ms: clock.now() - started,
    start: () => {
      const sink = (event: SourceEvent): void => market.apply(event);
      const stops = sources.map((source) => source.start(sink));
      return () => {
        for (const stop of stops) stop();
      };
    },
    health: () => Object.fromEntries(sources.map((source) => [source.name, source.health()])),
  };
}

/**
 * Sends every connection all symbols' statuses after its hello, then the changed ones, batched per turn of the event
 * loop (a source going down changes all its symbols at once). Returns the function that stops it.
 */
function pushStatus(io: FeedIo, market: MarketView): () => void {
  let pending: StatusEntry[] = [];
  const onConnection = (socket: { emit(event: 'status', update: StatusUpdate): void }): void => {
    socket.emit('status', { symbols: market.statuses() });
  };
  io.on('connection', onConnection);
  const stopListening = market.onStatus((entry) => {
    if (pending.length === 0) {
      setImmediate(() => {
        const symbols = pending;
        pending = [];
        // To this process's sockets only: every gateway pushes its own replica's statuses.
        io.local.emit('status', { symbols });
      });
    }
    pending = [...pending.filter(([symbol]) => symbol !== entry[0]), entry];
  });
  return () => {
    stopListening();
    io.off('connection', onConnection);
  };
}

/**
 * Engine.IO answers a WebSocket upgrade with a stand-in response object, which a 'close' listener on the TCP socket
 * keeps for the connection's whole life, and the stand-in keeps the upgrade request (headers, query, about 1.2 KB a
 * connection), whatever `raw.request = null` does. The stand-in reads its request only while middlewares set
 * headers on it; by the 'headers' event, emitted once every middleware has run and just before the 101 response,
 * Engine.IO has dropped those headers, so the request can go.
 */
function releaseUpgradeRequests(io: FeedIo): void {
  const standIns = new WeakMap<IncomingMessage, { req: IncomingMessage | null }>();
  io.engine.use((request: IncomingMessage, response: ServerResponse, next: () => void) => {
    if (!(response instanceof ServerResponse)) standIns.set(request, response);
    next();
  });
  io.engine.on('headers', (_headers: unknown, request: IncomingMessage) => {
    const standIn = standIns.get(request);
    if (!standIn) return;
    standIns.delete(request);
    standIn.req = null;
  });
}
