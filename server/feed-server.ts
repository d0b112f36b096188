import { createServer, ServerResponse, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import * as msgpackParser from 'socket.io-msgpack-parser';
import type { Limits } from '../lib/protocol';
import { systemClock, type Clock } from './clock';
import type { Config } from './config';
import { FanOut } from './fanout/fan-out';
import { createApi } from './http/api';
import { createLogger, type Logger } from './logger';
import { MarketState } from './market/market-state';
import type { MarketView } from './market/market-view';
import { originAllowed } from './socket/origin';
import { attachSockets, type FeedIo } from './socket/socket-server';
import { CATALOGUE } from './source/catalogue';
import type { PriceSource } from './source/price-source';
import { Simulator } from './source/simulator';

export interface FeedServerOptions {
  config: Config;
  clock?: Clock;
  /** Defaults to the seeded simulator over the whole catalogue. */
  source?: PriceSource;
  logger?: Logger;
  /** Serves what the feed does not (the Next.js pages); without it such requests get a 404. */
  fallback?: (request: IncomingMessage, response: ServerResponse) => void;
}

export interface FeedServer {
  readonly http: HttpServer;
  readonly io: FeedIo;
  readonly market: MarketView;
  readonly fanOut: FanOut;
  /** The port it listens on (useful with PORT=0). */
  readonly port: number;
  close(): Promise<void>;
}

/** Request limits, the same for every connection. */
export function limitsFor(config: Config): Limits {
  return {
    maxSymbolsPerRequest: 50,
    maxSubscriptions: config.MAX_SUBSCRIPTIONS,
    maxCandleStreams: 4,
    maxRequestBytes: 4096,
    requestsPerSecond: 20,
    maxBars: config.HISTORY_BARS,
  };
}

/**
 * Builds the feed end to end (source, market state, fan-out, sockets and HTTP API), backfills the history and
 * listens. Data flows one way: source events update the market state, which marks the fan-out dirty, which sends
 * frames at each flush.
 */
export async function startFeedServer(options: FeedServerOptions): Promise<FeedServer> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const source = options.source ?? new Simulator({ seed: config.SIM_SEED, instruments: CATALOGUE, clock });
  const limits = limitsFor(config);

  const market = new MarketState(source.instruments, config.HISTORY_BARS);
  const started = clock.now();
  market.backfill(source, started);
  logger.info({ symbols: source.instruments.length, ms: clock.now() - started }, 'history ready');

  const fanOut = new FanOut(market, {
    flushMs: config.FLUSH_MS,
    minFlushMs: config.FLUSH_MIN_MS,
    maxFlushMs: config.FLUSH_MAX_MS,
    slowClientMs: config.SLOW_CLIENT_MS,
    sendSliceMs: 4,
    clock,
  });
  const api = createApi({
    market,
    clock,
    maxBars: limits.maxBars,
    allowedOrigins: config.ALLOWED_ORIGINS,
    health: () => ({
      uptimeSeconds: Math.round(process.uptime()),
      connections: fanOut.clientCount,
      symbols: source.instruments.length,
    }),
  });
  const http = createServer((request, response) => {
    if (api(request, response)) return;
    if (options.fallback) return options.fallback(request, response);
    response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"NOT_FOUND"}}');
  });
  const io: FeedIo = new Server(http, {
    serveClient: false,
    // MessagePack, as every client of the feed (docs/protocol.md).
    parser: msgpackParser,
    // A packet over this closes the connection; requests are refused politely far below it (maxRequestBytes).
    maxHttpBufferSize: 64 * 1024,
    allowRequest: (request, callback) => {
      const allowed = originAllowed(request, config.ALLOWED_ORIGINS);
      callback(allowed ? null : 'origin not allowed', allowed);
    },
  });
  // The handshake request is not needed once connected; dropping it saves memory per connection.
  io.engine.on('connection', (raw: { request: unknown }) => {
    raw.request = null;
  });
  releaseUpgradeRequests(io);
  attachSockets(io, { market, fanOut, limits, clock, logger });

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
  const stopSource = source.start((event) => market.apply(event));
  const port = (http.address() as AddressInfo).port;

  return {
    http,
    io,
    market,
    fanOut,
    port,
    async close() {
      stopSource();
      stopFanOut();
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
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
