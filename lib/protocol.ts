/**
 * The tickerboard wire protocol over Socket.IO, shared by the feed server and the browser.
 * Documented with example frames in docs/protocol.md; bump PROTOCOL_VERSION on any incompatible change.
 *
 * Socket.IO packets travel in MessagePack: both ends speak `socket.io-msgpack-parser`'s format (every client of the feed
 * must use it or `lib/msgpack-parser.ts`). Against JSON a frame is about two thirds of the bytes at the same decoding cost
 * (`npm run bench:encoding`).
 *
 * Prices travel as integer ticks and volumes as integer lots of the instrument (see GET /api/symbols), times
 * of ticks in unix milliseconds and bar times in unix seconds (the UTC start of the bar's bucket).
 */
import type { Bar } from './candles';
import type { DecimalQuote } from './decimals';
import type { Instrument } from './instrument';
import type { Interval } from './intervals';
import type { Lots, Ticks, UnixSeconds } from './nominal';

export const PROTOCOL_VERSION = 2;

/**
 * A quote snapshot or delta: `[symbol, seq, mask, ...values]`. Bit `i` of `mask` says that `QUOTE_FIELDS[i]`
 * (lib/quote.ts) is present; values follow in field order. A snapshot carries every field. `seq` grows by
 * exactly one from one delta of a symbol to the next, so a client that sees any other step missed one.
 */
export type QuoteEntry = [symbol: string, seq: number, mask: number, ...values: number[]];

/** A bar on the wire: `[time, open, high, low, close, volume]`. */
export type BarTuple = [time: number, open: number, high: number, low: number, close: number, volume: number];

/**
 * The final state of every bar of a (symbol, interval) stream that trades touched since the last flush,
 * ascending by time: `[symbol, interval, seq, bars]`. Replacing bars by time keeps a client's bars equal to the
 * server's aggregation even though intermediate quotes are conflated away.
 *
 * With `reset` = 1 (sent to a client that fell behind and has drained, or when the server's market was replaced)
 * the bars are every bar the server holds from `since` (unix seconds) on: the client drops every bar it holds from
 * `since` on, puts these in their place, and continues from `seq`, whatever seq it held. `since` 0 means nothing
 * the client held stands (another market). A reset without `since` (a server before it was added) is merged by
 * time.
 */
export type CandleEntry =
  | [symbol: string, interval: Interval, seq: number, bars: BarTuple[]]
  | [symbol: string, interval: Interval, seq: number, bars: BarTuple[], reset: 1, since?: number];

/** The one message a client gets per flush, with all its changed symbols. */
export interface Frame {
  /** Server time of the flush, unix ms. */
  t: number;
  q?: QuoteEntry[];
  c?: CandleEntry[];
}

export interface Limits {
  /** Symbols in one subscribe or unsubscribe request. */
  maxSymbolsPerRequest: number;
  /** Quote subscriptions one connection may hold. */
  maxSubscriptions: number;
  /** Candle streams one connection may hold. */
  maxCandleStreams: number;
  /** Serialized size of one request, bytes. */
  maxRequestBytes: number;
  /** Requests per second a connection may sustain (burst: twice as many). */
  requestsPerSecond: number;
  /** Bars one candle request may ask for. */
  maxBars: number;
  /**
   * Bytes the server may hold unread for one connection (answers and frames it has not taken); a connection over
   * it when it next asks for something is closed.
   */
  maxQueuedBytes: number;
}

export interface Hello {
  version: number;
  /** Flush period of a subscription that asks for none. */
  flushMs: number;
  /** Bounds of `throttleMs`; a request is rounded to a multiple of 25 ms within them. */
  minFlushMs: number;
  maxFlushMs: number;
  serverTime: number;
  limits: Limits;
}

export const ERROR_CODES = [
  'INVALID_REQUEST',
  'UNKNOWN_SYMBOL',
  'TOO_MANY_SYMBOLS',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'SLOW_CONSUMER',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ProtocolError {
  code: ErrorCode;
  message: string;
  /** The offending symbols, where there are some. */
  symbols?: string[];
}

export interface Refused {
  ok: false;
  error: ProtocolError;
}

export interface SubscribeRequest {
  symbols: string[];
  /**
   * How often, in ms, to be sent these symbols' changes (for example 250 for a board, 100 for a focused chart);
   * the server's default flush period when omitted. Ignored by `unsubscribe`.
   */
  throttleMs?: number | undefined;
}

export interface Subscribed {
  ok: true;
  /** All symbols this connection holds after the request. */
  symbols: string[];
  /** A full snapshot of each requested symbol; a symbol already held is snapshotted again (a resync). */
  snapshots: QuoteEntry[];
}

export interface Unsubscribed {
  ok: true;
  symbols: string[];
}

export interface CandleRequest {
  symbol: string;
  interval: Interval;
  /** How many of the newest bars to return with the acknowledgement (default 500). */
  limit?: number | undefined;
  /** As for `subscribe`. */
  throttleMs?: number | undefined;
}

export interface CandlesSubscribed {
  ok: true;
  symbol: string;
  interval: Interval;
  /** The stream's sequence number: the next CandleEntry for it carries seq + 1. */
  seq: number;
  bars: BarTuple[];
}

export interface CandleStreamRef {
  symbol: string;
  interval: Interval;
}

export interface CandlesUnsubscribed {
  ok: true;
}

export type Ack<T> = (response: T | Refused) => void;

export interface ClientToServerEvents {
  subscribe: (request: SubscribeRequest, ack: Ack<Subscribed>) => void;
  unsubscribe: (request: SubscribeRequest, ack: Ack<Unsubscribed>) => void;
  subscribeCandles: (request: CandleRequest, ack: Ack<CandlesSubscribed>) => void;
  unsubscribeCandles: (request: CandleStreamRef, ack: Ack<CandlesUnsubscribed>) => void;
  /** Answered at once: a page times the round trip for its latency figure. Counts against the request rate. */
  ping: (request: Record<string, never>, ack: Ack<Pong>) => void;
}

export interface Pong {
  ok: true;
  /** The server's clock when it answered, unix ms. */
  serverTime: number;
}

/** The request a client sends with `event`. */
export type RequestOf<Event extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[Event]>[0];

/** What the server answers `event` with in its acknowledgement: the accepted answer or a refusal. */
export type AnswerOf<Event extends keyof ClientToServerEvents> = Parameters<
  Parameters<ClientToServerEvents[Event]>[1]
>[0];

/** The acknowledgement of an accepted `event`. */
export type AcceptedOf<Event extends keyof ClientToServerEvents> = Exclude<AnswerOf<Event>, Refused>;

/**
 * Whether a symbol's prices are current: `live`, `stale` (its upstream is down or has been silent for the server's
 * STALE_MS: the last prices are shown as they were, nothing is invented meanwhile) or `closed` (outside its
 * trading session).
 */
export type SymbolStatus = 'live' | 'stale' | 'closed';
export const SYMBOL_STATUSES = ['live', 'stale', 'closed'] as const satisfies readonly SymbolStatus[];

/** One symbol's status: `[symbol, status, source, time]`, `time` the unix ms of its last market event (0: none). */
export type StatusEntry = [symbol: string, status: SymbolStatus, source: string, time: number];

/**
 * Sent once on connection with every symbol, then with the symbols whose status changed. A symbol not in
 * `/api/symbols` yet (a relay learned it after the page loaded) is a reason to fetch the instruments again.
 */
export interface StatusUpdate {
  symbols: StatusEntry[];
}

/**
 * Said by the server outside the frames. `reconnect`: this server is going away (a restart, a rebalance); it closes
 * the connection in `afterMs` and the client should connect again (through the same URL, which leads to another
 * server) and resubscribe. `message`: text for the people watching (maintenance ahead, for one).
 */
export type ServerNotice =
  { type: 'reconnect'; reason: string; afterMs: number } | { type: 'message'; text: string };

export interface ServerToClientEvents {
  hello: (hello: Hello) => void;
  frame: (frame: Frame) => void;
  notice: (notice: ServerNotice) => void;
  status: (update: StatusUpdate) => void;
  goodbye: (goodbye: Goodbye) => void;
}

/** An instrument as `GET /api/symbols` lists it: where its prices come from and whether they are current. */
export interface ListedInstrument extends Instrument {
  /** The source that carries it: `sim`, `binance`, `coinbase` or `finnhub`. */
  source: string;
  status: SymbolStatus;
}

/** The body of `GET /api/symbols`. */
export interface SymbolsResponse {
  symbols: ListedInstrument[];
}

/**
 * Sent just before the server ends a connection for a reason the page should show: `TOKEN_EXPIRED` when the
 * token the connection was admitted with runs out (with AUTH_SECRET set). A new token admits it again.
 */
export interface Goodbye {
  code: 'TOKEN_EXPIRED';
  message: string;
}

/**
 * The message of a `connect_error` (and the start of a 401's) when a token is required and missing, forged or
 * expired: `unauthorized: a token is required`, `unauthorized: invalid token`, `unauthorized: token expired`.
 */
export const UNAUTHORIZED = 'unauthorized';

/** Every event a client may emit, by name (the types are `ClientToServerEvents`); docs/asyncapi.yaml lists them. */
export const CLIENT_EVENTS = [
  'subscribe',
  'unsubscribe',
  'subscribeCandles',
  'unsubscribeCandles',
  'ping',
] as const satisfies readonly (keyof ClientToServerEvents)[];

/** Every event the server emits, by name (the types are `ServerToClientEvents`). */
export const SERVER_EVENTS = [
  'hello',
  'frame',
  'status',
  'goodbye',
  'notice',
] as const satisfies readonly (keyof ServerToClientEvents)[];

export function barToTuple(bar: Bar): BarTuple {
  return [bar.time, bar.open, bar.high, bar.low, bar.close, bar.volume];
}

export function tupleToBar(tuple: BarTuple): Bar {
  const [time, open, high, low, close, volume] = tuple;
  return {
    time: time as UnixSeconds,
    open: open as Ticks,
    high: high as Ticks,
    low: low as Ticks,
    close: close as Ticks,
    volume: volume as Lots,
  };
}

/** A bar as `GET /api/candles` serves it: decimal prices and quantity, time in unix seconds. */
export interface ApiBar {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** The body of `GET /api/candles`. */
export interface CandlesResponse {
  symbol: string;
  interval: Interval;
  bars: ApiBar[];
}

/**
 * A quote as `GET /api/quotes` serves it: decimal prices and quantity, change since the previous close, and
 * whether it is current.
 */
export interface ApiQuote extends DecimalQuote {
  symbol: string;
  status: SymbolStatus;
  /** The source that carries it (`sim`, `binance`, …). */
  source: string;
}

/** The body of `GET /api/quotes`, in the order the symbols were asked. */
export interface QuotesResponse {
  quotes: ApiQuote[];
}

/**
 * One symbol's intraday series in `GET /api/sparklines`: the closes of its 5m bars over the session of its
 * current (or, while closed, last) trading day, thinned to at most 64 evenly spaced points, in decimals.
 */
export interface ApiSparkline {
  symbol: string;
  /** The trading day, 00:00 UTC of its date (unix seconds); null before the symbol has a day. */
  day: number | null;
  closes: number[];
}

/** The body of `GET /api/sparklines`, in the order the symbols were asked. */
export interface SparklinesResponse {
  interval: Interval;
  sparklines: ApiSparkline[];
}

/**
 * The body of `GET /api/replay` (and of its control requests) while replaying: the recording's span, the position on
 * its clock (unix ms) and how it plays (`speed` 0: as fast as the server can).
 */
export interface ReplayState {
  start: number;
  end: number;
  position: number;
  speed: number;
  paused: boolean;
  /** Every event has been played. */
  ended: boolean;
}
