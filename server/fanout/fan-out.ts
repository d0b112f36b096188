import type { BarState } from '../../lib/candles';
import { INTERVALS, type Interval } from '../../lib/intervals';
import { barToTuple, type BarTuple, type CandleEntry, type Frame, type QuoteEntry } from '../../lib/protocol';
import { diffQuote, type Quote } from '../../lib/quote';
import { every, type Clock } from '../clock';
import type { MarketState } from '../market/market-state';

/** Where a client's frames go: the socket layer, or a test's recorder. */
export interface FrameSink {
  send(frame: Frame): void;
}

/** One connection's subscriptions and the entries waiting for its next frame. */
export class Client {
  readonly sink: FrameSink;
  readonly symbols = new Set<string>();
  readonly candleStreams = new Set<CandleFeed>();
  quotes: QuoteEntry[] = [];
  candles: CandleEntry[] = [];

  constructor(sink: FrameSink) {
    this.sink = sink;
  }
}

/** What the subscribers of one symbol's quote have been sent. */
class QuoteFeed {
  readonly symbol: string;
  seq = 0;
  published: Quote | undefined;
  readonly subscribers = new Set<Client>();
  dirty = false;

  constructor(symbol: string) {
    this.symbol = symbol;
  }

  /** The published quote as a snapshot entry, every field present. */
  snapshot(): QuoteEntry | undefined {
    if (!this.published) return undefined;
    const { mask, values } = diffQuote(undefined, this.published);
    return [this.symbol, this.seq, mask, ...values];
  }
}

/** One (symbol, interval) candle stream and the bars trades touched since the last flush. */
class CandleFeed {
  readonly symbol: string;
  readonly interval: Interval;
  seq = 0;
  readonly subscribers = new Set<Client>();
  touched: BarState[] = [];

  constructor(symbol: string, interval: Interval) {
    this.symbol = symbol;
    this.interval = interval;
  }
}

export interface FanOutOptions {
  flushMs: number;
  clock: Clock;
}

/**
 * Throttled, conflated fan-out. Between flushes market changes only mark symbols dirty. At each flush every
 * dirty, subscribed symbol is diffed once against what its subscribers were last sent, the delta is built once
 * and shared by all of them, and each client with something new gets exactly one frame carrying all its changed
 * symbols and candle streams.
 */
export class FanOut {
  private readonly market: MarketState;
  private readonly clock: Clock;
  readonly flushMs: number;
  private readonly quoteFeeds = new Map<string, QuoteFeed>();
  private readonly candleFeeds: Map<string, CandleFeed[]> = new Map();
  private dirtyQuotes: QuoteFeed[] = [];
  private dirtyCandles: CandleFeed[] = [];
  private readonly clients = new Set<Client>();
  private stopListening: () => void = () => {};
  private stopTimer: () => void = () => {};

  constructor(market: MarketState, options: FanOutOptions) {
    this.market = market;
    this.clock = options.clock;
    this.flushMs = options.flushMs;
    for (const { symbol } of market.instruments) {
      this.quoteFeeds.set(symbol, new QuoteFeed(symbol));
      this.candleFeeds.set(
        symbol,
        INTERVALS.map((interval) => new CandleFeed(symbol, interval)),
      );
    }
  }

  /** Starts listening to the market and flushing every `flushMs`; returns the function that stops both. */
  start(): () => void {
    this.stopListening = this.market.onChange((symbol, touched) => this.markDirty(symbol, touched));
    this.stopTimer = every(this.clock, this.flushMs, () => this.flush());
    return () => this.stop();
  }

  stop(): void {
    this.stopListening();
    this.stopTimer();
  }

  get clientCount(): number {
    return this.clients.size;
  }

  addClient(sink: FrameSink): Client {
    const client = new Client(sink);
    this.clients.add(client);
    return client;
  }

  removeClient(client: Client): void {
    this.unsubscribe(client, [...client.symbols]);
    for (const feed of client.candleStreams) feed.subscribers.delete(client);
    client.candleStreams.clear();
    this.clients.delete(client);
  }

  /**
   * Subscribes the client to known symbols and returns a snapshot of each. A symbol already held is snapshotted
   * again, which is how a client resyncs after a gap.
   */
  subscribe(client: Client, symbols: readonly string[]): QuoteEntry[] {
    const snapshots: QuoteEntry[] = [];
    for (const symbol of symbols) {
      const feed = this.quoteFeeds.get(symbol);
      if (!feed) continue;
      // Nobody holds the symbol, so nobody needs a delta: bring what is published up to date first.
      if (feed.subscribers.size === 0) this.publish(feed);
      feed.subscribers.add(client);
      client.symbols.add(symbol);
      const snapshot = feed.snapshot();
      if (snapshot) snapshots.push(snapshot);
    }
    return snapshots;
  }

  unsubscribe(client: Client, symbols: readonly string[]): void {
    for (const symbol of symbols) {
      this.quoteFeeds.get(symbol)?.subscribers.delete(client);
      client.symbols.delete(symbol);
    }
  }

  /** Subscribes the client to a candle stream; returns its sequence number and its newest bars. */
  subscribeCandles(
    client: Client,
    symbol: string,
    interval: Interval,
    limit: number,
  ): { seq: number; bars: BarTuple[] } | undefined {
    const feed = this.candleFeed(symbol, interval);
    if (!feed) return undefined;
    if (feed.subscribers.size === 0) feed.touched = [];
    feed.subscribers.add(client);
    client.candleStreams.add(feed);
    return { seq: feed.seq, bars: this.market.bars(symbol, interval, limit).map(barToTuple) };
  }

  unsubscribeCandles(client: Client, symbol: string, interval: Interval): void {
    const feed = this.candleFeed(symbol, interval);
    if (!feed) return;
    feed.subscribers.delete(client);
    client.candleStreams.delete(feed);
  }

  hasCandleStream(client: Client, symbol: string, interval: Interval): boolean {
    const feed = this.candleFeed(symbol, interval);
    return feed !== undefined && client.candleStreams.has(feed);
  }

  /** Sends every client with changes its one frame. Called by the timer; tests call it directly. */
  flush(): void {
    const pending = new Set<Client>();
    const quotes = this.dirtyQuotes;
    this.dirtyQuotes = [];
    for (const feed of quotes) {
      feed.dirty = false;
      if (feed.subscribers.size === 0) continue;
      const entry = this.publish(feed);
      if (!entry) continue;
      for (const client of feed.subscribers) {
        client.quotes.push(entry);
        pending.add(client);
      }
    }
    const candles = this.dirtyCandles;
    this.dirtyCandles = [];
    for (const feed of candles) {
      const touched = feed.touched;
      feed.touched = [];
      if (feed.subscribers.size === 0 || touched.length === 0) continue;
      feed.seq++;
      touched.sort((a, b) => a.time - b.time);
      const entry: CandleEntry = [feed.symbol, feed.interval, feed.seq, touched.map(barToTuple)];
      for (const client of feed.subscribers) {
        client.candles.push(entry);
        pending.add(client);
      }
    }
    if (pending.size === 0) return;
    const t = this.clock.now();
    for (const client of pending) {
      const frame: Frame = { t };
      if (client.quotes.length > 0) frame.q = client.quotes;
      if (client.candles.length > 0) frame.c = client.candles;
      client.quotes = [];
      client.candles = [];
      client.sink.send(frame);
    }
  }

  /** Moves the feed's published quote to the live one; returns the delta, or undefined if nothing changed. */
  private publish(feed: QuoteFeed): QuoteEntry | undefined {
    const live = this.market.quote(feed.symbol);
    if (!live) return undefined;
    const { mask, values } = diffQuote(feed.published, live);
    if (mask === 0) return undefined;
    feed.seq++;
    feed.published = { ...live };
    return [feed.symbol, feed.seq, mask, ...values];
  }

  private candleFeed(symbol: string, interval: Interval): CandleFeed | undefined {
    return this.candleFeeds.get(symbol)?.[INTERVALS.indexOf(interval)];
  }

  private markDirty(symbol: string, touched: readonly (BarState | undefined)[] | undefined): void {
    const feed = this.quoteFeeds.get(symbol);
    if (feed && !feed.dirty && feed.subscribers.size > 0) {
      feed.dirty = true;
      this.dirtyQuotes.push(feed);
    }
    if (!touched) return;
    const streams = this.candleFeeds.get(symbol);
    if (!streams) return;
    for (let i = 0; i < streams.length; i++) {
      const stream = streams[i] as CandleFeed;
      const bar = touched[i];
      if (stream.subscribers.size === 0 || !bar) continue;
      if (stream.touched.length === 0) this.dirtyCandles.push(stream);
      if (!stream.touched.includes(bar)) stream.touched.push(bar);
    }
  }
}
