import { createServer, ServerResponse, type IncomingMessage, type Server as HttpServer } from 'node:http';
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
import { createApi } from './http/api';
import { proxyTrust } from './http/client-address';
import { frontDoor } from './http/front-door';
import { createLogger, type Logger } from './logger';
import { MarketState } from './market/market-state';
import { originPolicy } from './socket/origin';
import { MAX_PACKET_BYTES, serverParser } from './socket/packet-parser';
import { sweepQueues } from './socket/connection';
import { attachSockets, type FeedIo } from './socket/socket-server';
import type { PriceSource, SourceEvent } from './source/price-source';
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
  /** Where prices come from, one source or several; defaults to those `FEED` names (the simulator alone). */
  source?: PriceSource | readonly PriceSource[];
  logger?: Logger;
  /**
   * Serves what the feed does not (the Next.js pages), maybe asynchronously; without it such requests get a 404.
   * Its responses carry the page headers (CSP with a nonce Next reads from the request).
   */
  fallback?: (request: IncomingMessage, response: ServerResponse) => unknown;
  /** The fallback is Next in development mode, whose pages need a looser script policy. */
  devPages?: boolean;
}

export interface FeedServer {
  readonly http: HttpServer;
  readonly io: FeedIo;
  readonly market: MarketState;
  readonly fanOut: FanOut;
  /** With `FEED=replay:…`, the replay its controls act on. */
  readonly replay: Replay | undefined;
  /** With `RECORD`, the recording files written so far. */
  readonly recorder: Recorder | undefined;
  /** The port it listens on (useful with PORT=0). */
  readonly port: number;
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
    options.source === undefined && replayName !== undefined
      ? Replay.open(replayName.slice('replay:'.length), config.REPLAY_SPEED, systemClock)
      : undefined;
  const clock = options.clock ?? replay?.clock ?? clockFor(config);
  const wallClock = options.wallClock ?? options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const given = options.source ?? replay ?? createSources(config, clock, logger);
  const recorder = config.RECORD
    ? new Recorder({ path: config.RECORD, maxBytes: config.RECORD_MAX_BYTES, clock })
    : undefined;
  const sources: readonly PriceSource[] = (Array.isArray(given) ? given : [given as PriceSource]).map(
    (source) => (recorder ? recorder.wrap(source) : source),
  );
  const limits = limitsFor(config);

  const market = new MarketState([], config.HISTORY_BARS);
  const started = clock.now();
  for (const source of sources) {
    for (const instrument of source.instruments) market.addInstrument(instrument, source.name, 'live');
    market.backfill(source, started);
  }
  logger.info({ symbols: market.instruments.length, ms: clock.now() - started }, 'history ready');

  const fanOut = new FanOut(market, {
    flushMs: config.FLUSH_MS,
    minFlushMs: config.FLUSH_MIN_MS,
    maxFlushMs: config.FLUSH_MAX_MS,
    slowClientMs: config.SLOW_CLIENT_MS,
    sendSliceMs: 4,
    clock,
  });
  const trusted = proxyTrust(config.TRUSTED_PROXIES);
  const origins = originPolicy({
    allowed: config.ALLOWED_ORIGINS,
    publicOrigin: config.PUBLIC_ORIGIN,
    trusted,
  });
  const verify = config.AUTH_SECRET ? tokenVerifier(config.AUTH_SECRET, wallClock) : undefined;
  const api = createApi({
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
      sources: Object.fromEntries(sources.map((source) => [source.name, source.health()])),
    }),
  });
  const replayControls = replay && replayApi(controlsOf(replay, () => ({ market, io, started })));
  const http = createServer(
    frontDoor({
      api: replayControls
        ? (request, response, url) => replayControls(request, response, url) || api(request, response, url)
        : api,
      fallback: options.fallback,
      origins,
      trusted,
      devPages: options.devPages ?? false,
      logger,
    }),
  );
  const io: FeedIo = new Server(http, {
    serveClient: false,
    // MessagePack, as every client of the feed (docs/protocol.md), decoded within limits (server/socket/packet-parser.ts).
    parser: serverParser,
    // A packet over this closes the connection; requests are refused politely far below it (maxRequestBytes).
    maxHttpBufferSize: MAX_PACKET_BYTES,
    // An Engine.IO connection that has not joined the namespace by then is closed.
    connectTimeout: config.HANDSHAKE_TIMEOUT_MS,
    allowRequest: (request, callback) => {
      const admission = origins.admit(request);
      if (!admission.ok) return callback(admission.reason, false);
      if (!guard.admitSession(request)) return callback('too many connections from this address', false);
      callback(null, true);
    },
  });
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
  // Only once listening: a server that cannot bind its port must not keep ticking.
  const stopFanOut = fanOut.start();
  const stopSweep = sweepQueues(io, clock, QUEUE_SWEEP_MS);
  const sink = (event: SourceEvent): void => market.apply(event);
  const stops = sources.map((source) => source.start(sink));
  const port = (http.address() as AddressInfo).port;

  return {
    http,
    io,
    market,
    fanOut,
    replay,
    recorder,
    port,
    async close() {
      for (const stop of stops) stop();
      recorder?.close();
      stopStatus();
      stopSweep();
      stopFanOut();
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}

/**
 * A replay's controls for the API. A seek closes every connection (the pages reconnect and resync from
 * snapshots: they may hold bars from after the new time) and rebuilds the market from the recording up to it.
 */
function controlsOf(
  replay: Replay,
  parts: () => { market: MarketState; io: FeedIo; started: UnixMillis },
): ReplayControls {
  return {
    state: () => replay.state(),
    play: () => replay.play(),
    pause: () => replay.pause(),
    setSpeed: (speed) => replay.setSpeed(speed),
    seek: (time) =>
      replay.seek(time, (backfill, upTo) => {
        const { market, io, started } = parts();
        for (const socket of io.of('/').sockets.values()) socket.conn.close();
        market.reset();
        market.backfill({ backfill }, started);
        upTo((event) => market.apply(event));
      }),
  };
}

/**
 * Sends every connection all symbols' statuses after its hello, then the changed ones, batched per turn of the event
 * loop (a source going down changes all its symbols at once). Returns the function that stops it.
 */
function pushStatus(io: FeedIo, market: MarketState): () => void {
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
        io.emit('status', { symbols });
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
