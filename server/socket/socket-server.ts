import type { DefaultEventsMap, Server, Socket } from 'socket.io';
import {
  PROTOCOL_VERSION,
  type AcceptedOf,
  type AnswerOf,
  type ClientToServerEvents,
  type Limits,
  type Refused,
  type ServerToClientEvents,
} from '../../lib/protocol';
import type { Clock } from '../clock';
import type { FanOut } from '../fanout/fan-out';
import type { Logger } from '../logger';
import type { MarketView } from '../market/market-view';
import { Connection } from './connection';
import { checkSize, parseRequest, RequestError, requestSchemas } from './requests';

export type FeedIo = Server<ClientToServerEvents, ServerToClientEvents, DefaultEventsMap, ConnectionData>;
export type FeedSocket = Socket<ClientToServerEvents, ServerToClientEvents, DefaultEventsMap, ConnectionData>;
/** How long a connection may be behind before its requests are refused. */
const SLOW_CONSUMER_GRACE_MS = 1000;
type Event = keyof ClientToServerEvents;
/** One handler per request, typed by the protocol: a handler answering the wrong shape does not compile. */
type Handlers = {
  [E in Event]: (connection: Connection, payload: unknown) => AcceptedOf<E>;
};
type Answer = AnswerOf<Event>;

/**
 * What a socket keeps in `socket.data`: its connection, where the listeners shared by every socket find it. (Only
 * this process reads it: a cluster adapter's `fetchSockets()`, which serializes `data`, is not used here.)
 */
export interface ConnectionData {
  connection: Connection;
}

export interface SocketOptions {
  market: MarketView;
  fanOut: FanOut;
  limits: Limits;
  clock: Clock;
  logger: Logger;
}

/**
 * Serves the protocol on every connection: validates each request at the boundary, answers it in its
 * acknowledgement (a refusal as `{ ok: false, error }`, changing nothing), and hands frames from the fan-out to
 * the socket.
 *
 * A server may hold tens of thousands of connections, so what is the same for all of them is built once here:
 * the schemas (large objects) and the listeners. A listener finds its socket as `this` (as for any EventEmitter
 * listener) and the connection's state in `socket.data`; a connection then costs its `Connection`, its fan-out
 * `Client` and its token bucket, and no closures.
 */
export function attachSockets(io: FeedIo, options: SocketOptions): void {
  const { market, fanOut, limits, clock, logger } = options;
  const schemas = requestSchemas(limits);

  const knownSymbols = (requested: readonly string[]): string[] => {
    const symbols = [...new Set(requested)];
    if (symbols.length > limits.maxSymbolsPerRequest) {
      throw new RequestError(
        'TOO_MANY_SYMBOLS',
        `${symbols.length} symbols in one request; the limit is ${limits.maxSymbolsPerRequest}`,
      );
    }
    const unknown = symbols.filter((symbol) => !market.has(symbol));
    if (unknown.length > 0) {
      throw new RequestError('UNKNOWN_SYMBOL', `unknown symbol: ${unknown.join(', ')}`, unknown);
    }
    return symbols;
  };

  const handlers: Handlers = {
    subscribe({ client }, payload) {
      const request = parseRequest(schemas.subscribe, payload);
      const symbols = knownSymbols(request.symbols);
      const added = symbols.filter((symbol) => !client.symbols.has(symbol)).length;
      if (client.symbols.size + added > limits.maxSubscriptions) {
        throw new RequestError(
          'TOO_MANY_SYMBOLS',
          `a connection may hold ${limits.maxSubscriptions} symbols; it holds ${client.symbols.size}`,
        );
      }
      const snapshots = fanOut.subscribe(client, symbols, fanOut.periodFor(request.throttleMs));
      return { ok: true, symbols: [...client.symbols.keys()], snapshots };
    },
    unsubscribe({ client }, payload) {
      fanOut.unsubscribe(client, knownSymbols(parseRequest(schemas.unsubscribe, payload).symbols));
      return { ok: true, symbols: [...client.symbols.keys()] };
    },
    subscribeCandles({ client }, payload) {
      const request = parseRequest(schemas.subscribeCandles, payload);
      const [symbol] = knownSymbols([request.symbol]) as [string];
      const held = fanOut.hasCandleStream(client, symbol, request.interval);
      if (!held && client.candleStreams.size >= limits.maxCandleStreams) {
        throw new RequestError(
          'TOO_MANY_SYMBOLS',
          `a connection may hold ${limits.maxCandleStreams} candle streams`,
        );
      }
      const period = fanOut.periodFor(request.throttleMs);
      const stream = fanOut.subscribeCandles(client, symbol, request.interval, request.limit ?? 500, period);
      if (!stream) throw new RequestError('UNKNOWN_SYMBOL', `unknown symbol: ${symbol}`, [symbol]);
      return { ok: true, symbol, interval: request.interval, ...stream };
    },
    unsubscribeCandles({ client }, payload) {
      const request = parseRequest(schemas.unsubscribeCandles, payload);
      const [symbol] = knownSymbols([request.symbol]) as [string];
      fanOut.unsubscribeCandles(client, symbol, request.interval);
      return { ok: true };
    },
    ping(_connection, payload) {
      parseRequest(schemas.ping, payload);
      return { ok: true, serverTime: clock.now() };
    },
  };

  const refusal = (socket: FeedSocket, event: string, error: unknown): Refused => {
    if (error instanceof RequestError) return { ok: false, error: error.toProtocol() };
    logger.error({ err: error, event, socket: socket.id }, 'request failed');
    return { ok: false, error: { code: 'INTERNAL', message: 'internal error' } };
  };

  /**
   * Serves one request: answers it (when it asked for an answer) with what `run` returns or a refusal. A connection
   * whose queued output is over its bound is closed instead, and one refused for rate is told so once: its next
   * request refused for rate closes it, so a client that does not slow down is never answered without limit.
   */
  const serve = (
    socket: FeedSocket,
    event: string,
    args: unknown[],
    run: (payload: unknown) => Answer,
  ): void => {
    const { connection } = socket.data;
    const ack = typeof args.at(-1) === 'function' ? (args.pop() as (answer: Answer) => void) : undefined;
    if (connection.overQueueBound()) return;
    if (!connection.bucket.take(clock.now())) {
      if (connection.warnedForRate) {
        // Not discarded: what it was answered before, its RATE_LIMITED included, still reaches it.
        connection.close(`rate limit: requests went on after RATE_LIMITED`);
        return;
      }
      connection.warnedForRate = true;
      const message = `more than ${limits.requestsPerSecond} requests a second; the next one refused disconnects`;
      ack?.(refusal(socket, event, new RequestError('RATE_LIMITED', message)));
      return;
    }
    connection.warnedForRate = false;
    let answer: Answer;
    try {
      checkSize(args[0], limits.maxRequestBytes);
      // Answers to a connection that is not reading would pile up in memory: let it only shed load. A moment
      // behind is normal (a transport upgrade, a poll in flight), so this waits for a lasting lag.
      const { behindSince } = connection.client;
      const behind = behindSince === undefined ? 0 : clock.now() - behindSince;
      if (behind > SLOW_CONSUMER_GRACE_MS && !event.startsWith('unsubscribe')) {
        throw new RequestError('SLOW_CONSUMER', 'the connection is not reading what it is sent');
      }
      answer = run(args[0]);
    } catch (error) {
      answer = refusal(socket, event, error);
    }
    ack?.(answer);
  };

  const listeners = (Object.keys(handlers) as Event[]).map((event) => {
    const handler = handlers[event] as (connection: Connection, payload: unknown) => Answer;
    const listener = function (this: FeedSocket, ...args: unknown[]): void {
      serve(this, event, args, (payload) => handler(this.data.connection, payload));
    };
    return [event, listener] as const;
  });
  /** Any event: the protocol's have their listeners; another is refused, and counts against the rate as any. */
  const onAnyEvent = function (this: FeedSocket, event: string, ...args: unknown[]): void {
    if (Object.hasOwn(handlers, event)) return;
    serve(this, event, args, () => {
      throw new RequestError('INVALID_REQUEST', `unknown event: ${event.slice(0, 64)}`);
    });
  };
  const onDisconnect = function (this: FeedSocket): void {
    fanOut.removeClient(this.data.connection.client);
  };
  // Socket.IO reports a packet it cannot take on the socket as 'error' before it closes the connection; without a
  // listener Node's EventEmitter would throw it.
  const onError = function (this: FeedSocket, error: Error): void {
    logger.debug({ err: error, socket: this.id }, 'connection error');
  };

  io.on('connection', (socket) => {
    // The Origin was checked when the handshake was admitted and nothing reads its headers afterwards; a browser's
    // (cookies, user agent, languages) are often a kilobyte or more, kept for the connection's whole life.
    socket.handshake.headers = {};
    // Every socket joins a room named by its id; frames are written per connection and nothing is ever emitted to
    // one socket through a room, so it leaves it: a Map entry and a Set fewer per connection. (So `io.to(socket.id)`
    // reaches nobody here, and `socket.broadcast` would include the sender: neither is used.) An adapter other than
    // the in-memory one may answer with a promise.
    void Promise.resolve(socket.leave(socket.id)).catch((error: unknown) =>
      logger.warn({ err: error, socket: socket.id }, 'could not leave its own room'),
    );
    socket.data.connection = new Connection(socket, options);
    for (const [event, listener] of listeners) {
      // Registered untyped on purpose: nothing a client sends is trusted before it is parsed.
      (socket as unknown as Socket).on(event, listener);
    }
    socket.onAny(onAnyEvent);
    socket.on('disconnect', onDisconnect);
    socket.on('error', onError);
    socket.emit('hello', {
      version: PROTOCOL_VERSION,
      flushMs: fanOut.flushMs,
      minFlushMs: fanOut.periodFor(0),
      maxFlushMs: fanOut.periodFor(Number.MAX_SAFE_INTEGER),
      serverTime: clock.now(),
      limits,
    });
  });
}
