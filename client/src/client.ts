import { io, type Socket } from 'socket.io-client';
import type { Instrument } from '../../lib/instrument';
import { clientParser } from '../../lib/msgpack-parser';
import type { Interval } from '../../lib/intervals';
import {
  PROTOCOL_VERSION,
  UNAUTHORIZED,
  type ApiBar,
  type Goodbye,
  type ClientToServerEvents,
  type Hello,
  type Limits,
  type QuotesResponse,
  type ServerToClientEvents,
  type StatusEntry,
} from '../../lib/protocol';
import { CandleRegistry, type CandleOptions, type CandleSubscription } from './candles';
import type { Channel } from './channel';
import { Emitter } from './emitter';
import { TickerboardError } from './errors';
import { fetchHistory, fetchInstruments, fetchQuotes, type HistoryRange, type HttpOptions } from './http';
import { QuoteRegistry, type QuoteOptions, type QuoteSubscription } from './quotes';
import type { StateChange } from './subscription';

/**
 * - `connecting`: the first connection is being made;
 * - `connected`: the server said hello in this client's protocol version; subscriptions are served;
 * - `reconnecting`: the connection was lost (or refused for a while) and is tried again;
 * - `closed`: `close()` was called;
 * - `outdated`: the server speaks a newer protocol version; the client stops (reload or upgrade it);
 * - `refused`: the server turned the handshake down (a bad or missing token); the client stops.
 */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'closed' | 'outdated' | 'refused';

export interface ClientEvents {
  [event: string]: unknown;
  state: StateChange<ConnectionState> & { reason?: string | undefined };
  hello: Hello;
  /** The server is newer than this client (`serverVersion` undefined when it could not even say hello). */
  outdated: { serverVersion: number | undefined; clientVersion: number };
  /** Instruments arrived from `GET /api/symbols` (again whenever the server names a symbol not among them). */
  instruments: readonly Instrument[];
  /** The server's per-symbol status entries: all of them after hello, then those that changed. */
  status: readonly StatusEntry[];
  /** The server is about to end the connection, and says why (`TOKEN_EXPIRED`). */
  goodbye: Goodbye;
  /** Something went wrong that the client handles itself (it retries); for showing, not for acting on. */
  error: TickerboardError;
}

export type Transport = 'websocket' | 'polling';

export interface ConnectOptions {
  /**
   * Sent as the handshake's `auth.token` and as `Authorization: Bearer` on HTTP requests, when the server requires
   * one (AUTH_SECRET). A function is asked again at every connection attempt and request.
   */
  token?: string | (() => string | undefined) | undefined;
  /** Socket.IO transports in order of trial; long-polling first, then an upgrade to WebSocket, by default. */
  transports?: Transport[] | undefined;
  /** First pause before reconnecting, doubling up to 5 s; 1 s by default. */
  reconnectionDelayMs?: number | undefined;
}

/**
 * Connections in a row that opened and were closed at the first packet, by the server or by this client failing
 * to decode it, before any hello, after which the server is taken for a newer version that changed its encoding.
 * A server that is down never opens a connection; a timeout or a transport error does not count.
 */
export const SILENT_CLOSES_BEFORE_OUTDATED = 3;
/** Only a close this soon after its connection opened is taken for one at the first packet. */
const SILENT_CLOSE_WITHIN_MS = 5000;
const RETRY_MS = 500;
const MAX_RETRY_MS = 5000;
const INSTRUMENTS_RETRY_MS = 3000;
const TERMINAL: readonly ConnectionState[] = ['closed', 'outdated', 'refused'];

type FeedSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * A client of the tickerboard feed, in Node or the browser: one Socket.IO connection (MessagePack), the
 * instruments, and the subscriptions made through it, which it keeps across reconnects, gaps and resyncs.
 * Create it with `connect`.
 */
export class TickerboardClient extends Emitter<ClientEvents> {
  private readonly socket: FeedSocket;
  private readonly base: string;
  private readonly token: () => string | undefined;
  private readonly quoteRegistry: QuoteRegistry;
  private readonly candleRegistry: CandleRegistry;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly instrumentsAbort = new AbortController();
  private current: ConnectionState = 'connecting';
  private serverHello: Hello | undefined;
  private known = new Map<string, Instrument>();
  private loaded = false;
  private loading = false;
  private connectedNow = false;
  private epochCount = 0;
  private openedAt: number | undefined;
  private silentCloses = 0;
  private olderServer = { retries: 0, waiting: false };
  private refusal = '';

  constructor(url: string | undefined, options: ConnectOptions = {}) {
    super();
    this.base = url ?? '';
    const { token } = options;
    this.token = typeof token === 'function' ? token : () => token;
    const channel = this.channel();
    this.quoteRegistry = new QuoteRegistry(channel);
    this.candleRegistry = new CandleRegistry(channel);
    const socketOptions = {
      parser: clientParser,
      forceNew: true,
      // Asked at every attempt: a token given since the last one is used by the next.
      auth: (send: (auth: { token?: string }) => void) => {
        const now = this.token();
        send(now ? { token: now } : {});
      },
      ...(options.transports ? { transports: options.transports } : {}),
      ...(options.reconnectionDelayMs === undefined
        ? {}
        : { reconnectionDelay: options.reconnectionDelayMs }),
    };
    this.socket = url ? io(url, socketOptions) : io(socketOptions);
    this.listen();
    void this.loadInstruments();
  }

  get state(): ConnectionState {
    return this.current;
  }

  /** The server's hello on the current connection. */
  get hello(): Hello | undefined {
    return this.serverHello;
  }

  instrument(symbol: string): Instrument | undefined {
    return this.known.get(symbol);
  }

  get instruments(): Instrument[] {
    return [...this.known.values()];
  }

  /**
   * Resolves once connected to a server of this protocol version with the instruments loaded; rejects if the
   * client ends first (outdated, refused, closed).
   */
  ready(): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (this.channelReady()) resolve();
        else if (TERMINAL.includes(this.current)) reject(this.endError());
        else return false;
        return true;
      };
      if (check()) return;
      const stops = [
        this.on('state', () => check() && stopAll()),
        this.on('instruments', () => check() && stopAll()),
      ];
      const stopAll = () => stops.forEach((stop) => stop());
    });
  }

  /** Live quotes of `symbols`; one subscription object for them all. */
  quotes(symbols: readonly string[], options: QuoteOptions = {}): QuoteSubscription {
    return this.quoteRegistry.subscribe(symbols, options);
  }

  /** The live bars of one stream: `limit` recent bars first, then every change. */
  candles(symbol: string, interval: Interval, options: CandleOptions = {}): CandleSubscription {
    return this.candleRegistry.subscribe(symbol, interval, options);
  }

  /** Bars of a range from the HTTP API (paged as far back as needed), ascending, in decimals. */
  history(symbol: string, interval: Interval, range: HistoryRange = {}): Promise<ApiBar[]> {
    return fetchHistory(symbol, interval, range, this.http());
  }

  /** One snapshot of `GET /api/quotes`. */
  snapshot(symbols: readonly string[]): Promise<QuotesResponse> {
    return fetchQuotes(symbols, this.http());
  }

  /** Times one round trip to the server (its `ping` request), in ms; rejects when not connected or refused. */
  ping(): Promise<number> {
    return new Promise((resolve, reject) => {
      if (!this.channelReady()) return reject(new TickerboardError('CLOSED', 'not connected'));
      const sent = performance.now();
      this.socket.emit('ping', {}, (answer) => {
        if (answer.ok) resolve(performance.now() - sent);
        else reject(new TickerboardError(answer.error.code, answer.error.message));
      });
    });
  }

  /** Disconnects for good; every subscription ends (`unsubscribed`), its data left as it was. */
  close(): void {
    this.quoteRegistry.endAll();
    this.candleRegistry.endAll();
    this.setState('closed');
  }

  private http(signal?: AbortSignal): HttpOptions {
    return { base: this.base, token: this.token(), signal };
  }

  /** The server refused this client's token (or wants one): stop, saying why. */
  private refuse(reason: string): void {
    this.refusal = reason;
    this.setState('refused', reason);
  }

  private channel(): Channel {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the channel is a view of this client
    const client = this;
    return {
      get ready() {
        return client.channelReady();
      },
      get epoch() {
        return client.epochCount;
      },
      get limits(): Limits | undefined {
        return client.serverHello?.limits;
      },
      instrument: (symbol) => this.known.get(symbol),
      emit: (event, ...args) => this.socket.emit(event, ...args),
      later: (attempt, retry) => this.later(attempt, retry),
    };
  }

  private channelReady(): boolean {
    return this.current === 'connected' && this.connectedNow && this.loaded;
  }

  private endError(): TickerboardError {
    if (this.current === 'outdated')
      return new TickerboardError('OUTDATED', 'the server speaks a newer protocol');
    if (this.current === 'refused') return new TickerboardError('UNAUTHORIZED', this.refusal);
    return new TickerboardError('CLOSED', 'the client was closed');
  }

  private setState(state: ConnectionState, reason?: string): void {
    if (TERMINAL.includes(this.current) || state === this.current) return;
    const previous = this.current;
    this.current = state;
    this.emit('state', { state, previous, reason });
    if (TERMINAL.includes(state)) {
      for (const timer of this.timers) clearTimeout(timer);
      this.timers.clear();
      this.instrumentsAbort.abort();
      this.socket.disconnect();
    }
    if (state === 'outdated' || state === 'refused') {
      const error = this.endError();
      this.quoteRegistry.failAll(error);
      this.candleRegistry.failAll(error);
    }
  }

  private later(attempt: number, retry: () => void): void {
    if (TERMINAL.includes(this.current)) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        retry();
      },
      Math.min(MAX_RETRY_MS, RETRY_MS * 2 ** attempt),
    );
    this.timers.add(timer);
  }

  private async loadInstruments(): Promise<void> {
    if (this.loading) return;
    this.loading = true;
    try {
      const list = await fetchInstruments(this.http(this.instrumentsAbort.signal));
      this.known = new Map(list.map((instrument) => [instrument.symbol, instrument]));
      this.loaded = true;
      this.loading = false;
      this.emit('instruments', list);
      this.reconcile();
    } catch (error) {
      if (this.instrumentsAbort.signal.aborted) return;
      if (error instanceof TickerboardError && error.code === 'UNAUTHORIZED')
        return this.refuse(error.message);
      const message = error instanceof Error ? error.message : String(error);
      this.emit('error', new TickerboardError('HTTP', `Symbols unavailable (${message}); retrying`));
      this.loading = false;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void this.loadInstruments();
      }, INSTRUMENTS_RETRY_MS);
      this.timers.add(timer);
    }
  }

  private reconcile(): void {
    this.quoteRegistry.reconcile();
    this.candleRegistry.reconcile();
  }

  /** The server is newer: stop for good and say so. */
  private outdated(serverVersion: number | undefined): void {
    this.setState('outdated');
    this.emit('outdated', { serverVersion, clientVersion: PROTOCOL_VERSION });
  }

  private listen(): void {
    const { socket } = this;
    // A server whose encoding changed cannot say hello in a way this client reads: each connection opens and is
    // closed at the first packet, by the server, which could not read ours ('transport close'), or by this client
    // ('parse error'). Other losses, and a close long after the open, say nothing about versions.
    socket.io.on('open', () => {
      this.openedAt = Date.now();
    });
    socket.io.on('close', (reason: string) => {
      const silent =
        this.openedAt !== undefined &&
        Date.now() - this.openedAt < SILENT_CLOSE_WITHIN_MS &&
        (reason === 'transport close' || reason === 'parse error');
      this.openedAt = undefined;
      if (silent && ++this.silentCloses >= SILENT_CLOSES_BEFORE_OUTDATED) this.outdated(undefined);
    });
    socket.io.on('reconnect_attempt', () => this.setState('reconnecting'));
    socket.on('hello', (hello) => {
      this.openedAt = undefined;
      this.silentCloses = 0;
      this.serverHello = hello;
      this.emit('hello', hello);
      if (hello.version > PROTOCOL_VERSION) return this.outdated(hello.version);
      if (hello.version < PROTOCOL_VERSION) {
        // An older server, met during a rolling deployment: try again (likely another instance) after a pause.
        this.olderServer.waiting = true;
        socket.disconnect();
        this.later(this.olderServer.retries++, () => {
          this.olderServer.waiting = false;
          socket.connect();
        });
        return;
      }
      this.olderServer = { retries: 0, waiting: false };
      this.connectedNow = true;
      this.setState('connected');
      this.reconcile();
    });
    socket.on('disconnect', (reason) => {
      this.connectedNow = false;
      this.epochCount++;
      // Requests emitted while down would go out on the next connection, ahead of the resubscription.
      socket.sendBuffer = [];
      this.quoteRegistry.disconnected();
      this.candleRegistry.disconnected();
      if (reason === 'io client disconnect' && !this.olderServer.waiting) return;
      this.setState('reconnecting', reason);
      // Socket.IO reconnects by itself after every loss except one the server chose (a slow consumer, say).
      if (reason === 'io server disconnect') this.later(1, () => socket.connect());
    });
    socket.on('connect_error', (error) => {
      // A refusal by the server's middleware (a token, say) is final: Socket.IO does not retry it.
      if (!socket.active || error.message.startsWith(UNAUTHORIZED)) return this.refuse(error.message);
      if (this.current !== 'connecting') this.setState('reconnecting', error.message);
    });
    socket.on('status', ({ symbols }) => {
      this.quoteRegistry.status(symbols);
      this.emit('status', symbols);
      // A relay learns its instruments at start: a symbol not known yet means the instruments grew.
      if (this.loaded && symbols.some(([symbol]) => !this.known.has(symbol))) void this.loadInstruments();
    });
    socket.on('goodbye', (goodbye) => this.emit('goodbye', goodbye));
    socket.on('frame', (frame) => {
      if (frame.q) this.quoteRegistry.frame(frame.q);
      if (frame.c) this.candleRegistry.frame(frame.c);
    });
  }
}

/**
 * Connects to a tickerboard server (`http://localhost:3000`, say; the page's own origin when omitted, in a
 * browser). The client reconnects by itself; `close()` ends it.
 */
export function connect(url?: string, options: ConnectOptions = {}): TickerboardClient {
  return new TickerboardClient(url, options);
}
