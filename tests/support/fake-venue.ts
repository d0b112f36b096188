import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { aggregate, type Bar, type Trade } from '../../lib/candles';
import { decimalOf } from '../../lib/decimal';
import type { Interval } from '../../lib/intervals';
import type { Lots, Ticks, UnixMillis } from '../../lib/nominal';

/** One trade on a fake venue's tape, in integer units of its steps. */
export interface TapeTrade extends Trade {
  tradeId: number;
  side: 'buy' | 'sell';
}

export interface FakeSymbol {
  tickStep: string;
  lotStep: string;
  base: string;
  quote: string;
}

export interface HttpAnswer {
  status: number;
  body: unknown;
}

/**
 * The parts every fake venue shares: an HTTP server and a WebSocket server on one loopback port (0: a free one), a
 * tape of trades per symbol (the venue's truth, which its REST bars aggregate), and faults a test can cause: drop
 * every connection, go silent, refuse REST. A venue's protocol is in its own file.
 */
export abstract class FakeVenue {
  readonly tape = new Map<string, TapeTrade[]>();
  readonly symbols: ReadonlyMap<string, FakeSymbol>;
  /** Every message clients sent, with the time it arrived. */
  readonly received: { time: number; text: string }[] = [];
  /** Every connection ever accepted, with the path it asked for. */
  readonly connections: { path: string; openedAt: number; firstMessageAt: number | undefined }[] = [];
  /** Per symbol, the trades that reached at least one client (once each), in the order sent. */
  readonly delivered = new Map<string, TapeTrade[]>();
  /** While true, nothing is sent to clients (they stay connected): a silent stall. */
  silent = false;
  /** While true, REST answers 503. */
  restDown = false;
  protected readonly clients = new Set<WebSocket>();
  private http: Server | undefined;
  private wss: WebSocketServer | undefined;
  private nextId = 1000;
  port = 0;
  /** The venue's clock: trade times and message times. */
  readonly now: () => number;

  constructor(symbols: Record<string, FakeSymbol>, now: () => number = Date.now) {
    this.now = now;
    this.symbols = new Map(Object.entries(symbols));
    for (const symbol of this.symbols.keys()) {
      this.tape.set(symbol, []);
      this.delivered.set(symbol, []);
    }
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    const http = createServer((request, response) => {
      const url = new URL(request.url ?? '/', this.httpUrl);
      const answer = this.restDown ? { status: 503, body: { message: 'unavailable' } } : this.rest(url);
      response
        .writeHead(answer.status, { 'content-type': 'application/json' })
        .end(JSON.stringify(answer.body));
    });
    const wss = new WebSocketServer({ server: http });
    wss.on('connection', (ws, request) => {
      this.connections.push({ path: request.url ?? '/', openedAt: Date.now(), firstMessageAt: undefined });
      this.clients.add(ws);
      ws.on('close', () => this.clients.delete(ws));
      const connection = this.connections.at(-1);
      ws.on('message', (data) => {
        if (connection && connection.firstMessageAt === undefined) connection.firstMessageAt = Date.now();
        const text = String(data);
        this.received.push({ time: Date.now(), text });
        this.onClientMessage(ws, text);
      });
      this.onConnection(ws, request.url ?? '/');
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    this.port = (http.address() as AddressInfo).port;
    this.http = http;
    this.wss = wss;
    return this;
  }

  async close(): Promise<void> {
    for (const ws of this.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss?.close(() => resolve()) ?? resolve());
    await new Promise<void>((resolve) => this.http?.close(() => resolve()) ?? resolve());
  }

  /** Closes every client connection, as a venue restart or a network cut would. */
  dropConnections(): void {
    for (const ws of this.clients) ws.terminate();
  }

  get openConnections(): number {
    return this.clients.size;
  }

  /**
   * Puts a trade on the tape (prices in ticks, sizes in lots) and, unless `publish` is false (a trade the client
   * misses), sends it to every subscribed client. Returns it.
   */
  trade(
    symbol: string,
    fields: { price: number; size: number; time?: number; side?: 'buy' | 'sell'; tradeId?: number },
    publish = true,
  ): TapeTrade {
    const tradeId = fields.tradeId ?? this.nextId++;
    const trade: TapeTrade = {
      tradeId,
      time: (fields.time ?? this.now()) as UnixMillis,
      price: fields.price as Ticks,
      size: fields.size as Lots,
      side: fields.side ?? 'buy',
    };
    this.tape.get(symbol)?.push(trade);
    if (publish) this.publish(symbol, trade);
    return trade;
  }

  /** Notes that `trade` reached a client. */
  protected noteDelivered(symbol: string, trade: TapeTrade): void {
    const delivered = this.delivered.get(symbol);
    if (delivered && !delivered.includes(trade)) delivered.push(trade);
  }

  /** The last trade on the tape of `symbol`. */
  lastTrade(symbol: string): TapeTrade | undefined {
    return this.tape.get(symbol)?.at(-1);
  }

  /** Sends a tape trade again (a duplicate) or late, without putting it on the tape twice. */
  republish(symbol: string, trade: TapeTrade): void {
    this.publish(symbol, trade);
  }

  /** Sends `text` to every client as it is (malformed, unknown or off-tick messages). */
  sendRaw(text: string): void {
    if (this.silent) return;
    for (const ws of this.clients) ws.send(text);
  }

  /** The bars a correct relay ends with: the tape aggregated, in units. */
  expectedBars(symbol: string, interval: Interval): Bar[] {
    return aggregate(this.tape.get(symbol) ?? [], interval);
  }

  /** Decimal text of `units` of `symbol`'s tick or lot step. */
  protected price(symbol: string, ticks: number): string {
    return decimalOf(ticks, this.step(symbol).tickStep);
  }

  protected size(symbol: string, lots: number): string {
    return decimalOf(lots, this.step(symbol).lotStep);
  }

  private step(symbol: string): FakeSymbol {
    const found = this.symbols.get(symbol);
    if (!found) throw new Error(`the fake venue has no ${symbol}`);
    return found;
  }

  /** The tape's trades of `symbol` in [from, to), by time. */
  protected tradesBetween(symbol: string, from: number, to: number): TapeTrade[] {
    return (this.tape.get(symbol) ?? []).filter((trade) => trade.time >= from && trade.time < to);
  }

  protected abstract rest(url: URL): HttpAnswer;
  protected abstract onConnection(ws: WebSocket, path: string): void;
  protected abstract onClientMessage(ws: WebSocket, text: string): void;
  protected abstract publish(symbol: string, trade: TapeTrade): void;
}
