import type { Interval } from '../../lib/intervals';
import { barToTuple, type BarTuple, type CandleEntry, type QuoteEntry } from '../../lib/protocol';
import { every, type Clock } from '../clock';
import type { MarketChange, MarketView } from '../market/market-view';
import { Client, type FrameSink } from './client';
import { CandleFeed, QuoteFeed } from './feeds';
import { encodeEntry, frameMessage, type EncodedEntry } from './wire';

export { Client, type FrameSink } from './client';

/** Flush periods are multiples of this, and the flush timer ticks at it. */
export const FLUSH_STEP_MS = 25;

export interface FanOutOptions {
  /** Flush period of subscriptions that ask for none. */
  flushMs: number;
  /** Bounds of the flush period a subscription may ask for. */
  minFlushMs: number;
  maxFlushMs: number;
  /** A client that has not drained for this long is disconnected. */
  slowClientMs: number;
  /**
   * Longest a flush may send frames without yielding to the event loop; the rest follows in later turns, so a
   * flush to thousands of clients does not stall timers and requests. Without it a flush sends all at once.
   */
  sendSliceMs?: number;
  clock: Clock;
  /** Told how long each timer step that flushed took, in ms (the metrics' histogram). */
  onFlushed?: (ms: number) => void;
}

/**
 * Running totals of what the fan-out did, kept as plain numbers and read when metrics are scraped: counting costs
 * an addition per frame and per conflated change, nothing per client per tick.
 */
export interface FanOutStats {
  framesSent: number;
  bytesSent: number;
  /** Market changes that reached a feed already waiting for its flush: folded into its next entry. */
  conflated: number;
  /** Clients disconnected for not reading. */
  slowDisconnects: number;
}

/** The feeds of one flush period, and which of them changed since its last flush. */
class Period {
  readonly ms: number;
  /** Clock time of its next flush. */
  nextDue = 0;
  readonly quotes = new Map<string, QuoteFeed>();
  readonly candles = new Map<string, CandleFeed>();
  /** Emptied by each flush, so its feeds can hold on to them. */
  readonly dirtyQuotes: QuoteFeed[] = [];
  readonly dirtyCandles: CandleFeed[] = [];

  constructor(ms: number) {
    this.ms = ms;
  }
}

/**
 * Throttled, conflated fan-out.
 *
 * Between flushes a market change only marks the feeds watching its symbol dirty: the cost of a tick does not
 * depend on the number of clients. At each flush of a period every dirty feed is diffed once against what its
 * subscribers were last sent and the delta is encoded once; each subscriber gets those same bytes. Each
 * client with something new then gets exactly one frame holding all of its changed symbols and candle streams.
 *
 * A client whose connection has not drained its last frame is not sent another: it is behind. Its changes keep
 * conflating as a set of owed feeds (bounded by its subscriptions), and when it drains it gets one frame with
 * a snapshot of each. One that stays behind for `slowClientMs` is disconnected.
 */
export class FanOut {
  private readonly market: MarketView;
  private readonly clock: Clock;
  private readonly options: FanOutOptions;
  private readonly periods = new Map<number, Period>();
  /** Per symbol, the quote and candle feeds that have subscribers: one lookup per market event. */
  private readonly watchers = new Map<string, Watchers>();
  private readonly clients = new Set<Client>();
  private readonly behind = new Set<Client>();
  readonly stats: FanOutStats = { framesSent: 0, bytesSent: 0, conflated: 0, slowDisconnects: 0 };
  private pending: Client[] = [];
  /** Periods flush on a grid of their length from here. */
  private origin: number;
  private stopListening: () => void = () => {};
  private stopTimer: () => void = () => {};

  constructor(market: MarketView, options: FanOutOptions) {
    this.market = market;
    this.clock = options.clock;
    this.options = options;
    this.origin = options.clock.now();
  }

  get flushMs(): number {
    return this.options.flushMs;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Clients currently behind (not draining). */
  get behindCount(): number {
    return this.behind.size;
  }

  /** Subscriptions held over all clients: quote symbols and candle streams. */
  subscriptionCounts(): { quotes: number; candles: number } {
    let quotes = 0;
    let candles = 0;
    for (const period of this.periods.values()) {
      for (const feed of period.quotes.values()) quotes += feed.subscribers.size;
      for (const feed of period.candles.values()) candles += feed.subscribers.size;
    }
    return { quotes, candles };
  }

  /** Starts listening to the market and flushing; returns the function that stops both. */
  start(): () => void {
    this.stopListening = this.market.onChange((change) => this.markDirty(change));
    this.origin = this.clock.now();
    for (const period of this.periods.values()) period.nextDue = this.firstDue(period.ms, this.origin);
    this.stopTimer = every(this.clock, FLUSH_STEP_MS, () => this.step());
    return () => this.stop();
  }

  stop(): void {
    this.stopListening();
    this.stopTimer();
  }

  /** The flush period a request for `ms` gets: the nearest step within the bounds, the default when omitted. */
  periodFor(ms: number | undefined): number {
    if (ms === undefined) return this.options.flushMs;
    const snapped = Math.round(ms / FLUSH_STEP_MS) * FLUSH_STEP_MS;
    return Math.min(this.options.maxFlushMs, Math.max(this.options.minFlushMs, snapped));
  }

  addClient(sink: FrameSink): Client {
    const client = new Client(sink);
    this.clients.add(client);
    return client;
  }

  removeClient(client: Client): void {
    this.unsubscribe(client, [...client.symbols.keys()]);
    for (const feed of [...client.candleStreams]) this.leaveCandles(client, feed);
    this.behind.delete(client);
    this.clients.delete(client);
    client.pending = false;
  }

  /**
   * Subscribes the client to known symbols at a flush period and returns a snapshot of each. A symbol already
   * held is snapshotted again (how a client resyncs), and moves to the new period if it differs.
   */
  subscribe(client: Client, symbols: readonly string[], periodMs = this.options.flushMs): QuoteEntry[] {
    const period = this.period(periodMs);
    const snapshots: QuoteEntry[] = [];
    for (const symbol of symbols) {
      if (!this.market.has(symbol)) continue;
      let feed = period.quotes.get(symbol);
      if (!feed) {
        feed = new QuoteFeed(symbol, period.dirtyQuotes);
        period.quotes.set(symbol, feed);
      }
      const held = client.symbols.get(symbol);
      if (held && held !== feed) this.leaveQuote(client, held);
      if (feed.subscribers.size === 0) {
        // Nobody was sent this feed's deltas, so none is owed: bring it up to date before snapshotting it.
        feed.publish(this.market.quote(symbol));
        addOnce(this.watchersOf(symbol).quotes, feed);
      }
      feed.subscribers.add(client);
      client.symbols.set(symbol, feed);
      client.forgive(feed);
      const snapshot = feed.snapshot();
      if (snapshot) snapshots.push(snapshot);
    }
    return snapshots;
  }

  unsubscribe(client: Client, symbols: readonly string[]): void {
    for (const symbol of symbols) {
      const feed = client.symbols.get(symbol);
      if (feed) this.leaveQuote(client, feed);
    }
  }

  /** Subscribes the client to a candle stream; returns the stream's sequence number and its newest bars. */
  subscribeCandles(
    client: Client,
    symbol: string,
    interval: Interval,
    limit: number,
    periodMs = this.options.flushMs,
  ): { seq: number; bars: BarTuple[] } | undefined {
    if (!this.market.has(symbol)) return undefined;
    const period = this.period(periodMs);
    const key = `${symbol}\u0000${interval}`;
    let feed = period.candles.get(key);
    if (!feed) {
      feed = new CandleFeed(symbol, interval, period.dirtyCandles);
      period.candles.set(key, feed);
    }
    for (const held of client.candleStreams) {
      if (held !== feed && held.symbol === symbol && held.interval === interval)
        this.leaveCandles(client, held);
    }
    if (feed.subscribers.size === 0) {
      feed.touched = [];
      feed.resetSince = undefined;
      addOnce(this.watchersOf(symbol).candles, feed);
    }
    feed.subscribers.add(client);
    client.addCandleStream(feed);
    client.forgiveCandles(feed);
    return { seq: feed.seq, bars: this.market.bars(symbol, interval, limit).map(barToTuple) };
  }

  unsubscribeCandles(client: Client, symbol: string, interval: Interval): void {
    for (const feed of [...client.candleStreams]) {
      if (feed.symbol === symbol && feed.interval === interval) this.leaveCandles(client, feed);
    }
  }

  hasCandleStream(client: Client, symbol: string, interval: Interval): boolean {
    for (const feed of client.candleStreams) {
      if (feed.symbol === symbol && feed.interval === interval) return true;
    }
    return false;
  }

  /** Flushes every period now, whatever its schedule (tests drive the fan-out with this). */
  flush(): void {
    const now = this.clock.now();
    for (const period of this.periods.values()) this.flushPeriod(period, now);
    this.finishFlush(now);
  }

  /**
   * One timer step: flushes the periods that are due by the clock, then catches up and sends. Due times come
   * from the clock, not from counting steps, so a late timer delays a flush but never skips one.
   */
  private step(): void {
    const now = this.clock.now();
    const started = this.options.onFlushed ? performance.now() : 0;
    let flushed = false;
    for (const period of this.periods.values()) {
      if (now < period.nextDue) continue;
      flushed = true;
      this.flushPeriod(period, now);
      period.nextDue += period.ms;
      // More than a whole period late: start again from now rather than flushing twice in a row.
      if (period.nextDue <= now) period.nextDue = this.firstDue(period.ms, now);
    }
    this.finishFlush(now);
    if (flushed) this.options.onFlushed?.(performance.now() - started);
  }

  /** The first point after `now` of the grid of `ms` from the origin. */
  private firstDue(ms: number, now: number): number {
    return this.origin + (Math.floor((now - this.origin) / ms) + 1) * ms;
  }

  private flushPeriod(period: Period, now: number): void {
    // Nothing below reaches the market, so no feed joins these lists while they are read.
    const quotes = period.dirtyQuotes;
    for (const feed of quotes) {
      feed.dirty = false;
      if (feed.subscribers.size === 0) continue;
      const entry = feed.publish(this.market.quote(feed.symbol));
      if (!entry) continue;
      const bytes = encodeEntry(entry);
      for (const client of feed.subscribers) {
        if (this.admit(client, now)) client.quoteParts.push(bytes);
        else client.owe(feed);
      }
    }
    quotes.length = 0;
    const candles = period.dirtyCandles;
    for (const feed of candles) {
      const touched = feed.touched;
      const resetSince = feed.resetSince;
      feed.touched = [];
      feed.resetSince = undefined;
      if (feed.subscribers.size === 0) continue;
      let entry: CandleEntry;
      let since: number;
      if (resetSince !== undefined) {
        since = Math.min(resetSince, ...touched);
        const bars = this.market.barsSince(feed.symbol, feed.interval, since).map(barToTuple);
        entry = [feed.symbol, feed.interval, ++feed.seq, bars, 1, since];
      } else {
        touched.sort((a, b) => a - b);
        const bars: BarTuple[] = [];
        for (const time of touched) {
          // A bar trimmed since it was touched is gone from every client's history too.
          const bar = this.market.barAt(feed.symbol, feed.intervalIndex, time);
          if (bar) bars.push(barToTuple(bar));
        }
        if (bars.length === 0) continue;
        since = touched[0] as number;
        entry = [feed.symbol, feed.interval, ++feed.seq, bars];
      }
      const bytes = encodeEntry(entry);
      for (const client of feed.subscribers) {
        if (this.admit(client, now)) client.candleParts.push(bytes);
        else client.oweCandles(feed, since);
      }
    }
    candles.length = 0;
  }

  /**
   * Whether the client can take entries in this flush: true once it is in this flush's send list, false while
   * it is behind. A client whose connection has not drained becomes behind here.
   */
  private admit(client: Client, now: number): boolean {
    if (client.pending) return true;
    if (client.behindSince !== undefined) return false;
    if (!client.sink.writable()) {
      client.behindSince = now;
      this.behind.add(client);
      return false;
    }
    client.pending = true;
    this.pending.push(client);
    return true;
  }

  private finishFlush(now: number): void {
    if (this.behind.size > 0) this.catchUp(now);
    const pending = this.pending;
    this.pending = [];
    this.send(pending, 0, now);
  }

  /** Sends the frames of `pending` from `start` on, yielding when the slice is used up. */
  private send(pending: readonly Client[], start: number, now: number): void {
    const slice = this.options.sendSliceMs;
    const started = slice === undefined ? 0 : performance.now();
    for (let i = start; i < pending.length; i++) {
      if (slice !== undefined && i > start && i % 64 === 0 && performance.now() - started > slice) {
        // A client still pending when the next step comes takes that step's entries into this same frame.
        setImmediate(() => this.send(pending, i, now));
        return;
      }
      const client = pending[i] as Client;
      if (!client.pending) continue;
      client.pending = false;
      const message = frameMessage(now, client.quoteParts, client.candleParts);
      client.quoteParts.length = 0;
      client.candleParts.length = 0;
      this.stats.framesSent++;
      this.stats.bytesSent += message.length;
      client.sink.send(message);
    }
  }

  /** Sends each behind client that has drained one frame with everything it is owed; drops the hopeless. */
  private catchUp(now: number): void {
    for (const client of this.behind) {
      if (!client.sink.writable()) {
        if (now - (client.behindSince ?? now) >= this.options.slowClientMs) {
          this.removeClient(client);
          this.stats.slowDisconnects++;
          client.sink.close('slow consumer: not reading');
        }
        continue;
      }
      this.behind.delete(client);
      client.behindSince = undefined;
      const quotes: EncodedEntry[] = [];
      for (const feed of client.owedQuotes) {
        const snapshot = feed.encodedSnapshot();
        if (snapshot) quotes.push(snapshot);
      }
      const candles: EncodedEntry[] = [];
      for (const [feed, since] of client.owedCandles) {
        const bars = this.market.barsSince(feed.symbol, feed.interval, since).map(barToTuple);
        // A reset entry: every bar from `since` on, to replace the client's from there, and the stream's current
        // seq to continue from.
        candles.push(encodeEntry([feed.symbol, feed.interval, feed.seq, bars, 1, since]));
      }
      client.paid();
      if (quotes.length === 0 && candles.length === 0) continue;
      const message = frameMessage(now, quotes, candles);
      this.stats.framesSent++;
      this.stats.bytesSent += message.length;
      client.sink.send(message);
    }
  }

  private period(ms: number): Period {
    let period = this.periods.get(ms);
    if (!period) {
      period = new Period(ms);
      period.nextDue = this.firstDue(ms, this.clock.now());
      this.periods.set(ms, period);
    }
    return period;
  }

  private leaveQuote(client: Client, feed: QuoteFeed): void {
    feed.subscribers.delete(client);
    client.forgive(feed);
    if (client.symbols.get(feed.symbol) === feed) client.symbols.delete(feed.symbol);
    if (feed.subscribers.size === 0) this.unwatch(feed.symbol, feed);
  }

  private leaveCandles(client: Client, feed: CandleFeed): void {
    feed.subscribers.delete(client);
    client.deleteCandleStream(feed);
    client.forgiveCandles(feed);
    if (feed.subscribers.size === 0) this.unwatch(feed.symbol, feed);
  }

  private markDirty(change: MarketChange): void {
    const watchers = this.watchers.get(change.symbol);
    // A change of listing (status, source) moves no price.
    if (!watchers || change.listing) return;
    for (const feed of watchers.quotes) {
      if (feed.dirty) {
        this.stats.conflated++;
        continue;
      }
      feed.dirty = true;
      feed.changed.push(feed);
    }
    const touched = change.bars;
    if (!touched) {
      if (change.resetSince) this.markReset(watchers.candles, change.resetSince);
      return;
    }
    for (const feed of watchers.candles) {
      const bar = touched[feed.intervalIndex];
      if (!bar) continue;
      if (feed.touched.length === 0 && feed.resetSince === undefined) feed.changed.push(feed);
      if (!feed.touched.includes(bar.time)) feed.touched.push(bar.time);
    }
  }

  private markReset(feeds: readonly CandleFeed[], since: readonly number[]): void {
    for (const feed of feeds) {
      const from = since[feed.intervalIndex] ?? 0;
      if (from === Infinity) continue;
      if (feed.touched.length === 0 && feed.resetSince === undefined) feed.changed.push(feed);
      feed.resetSince = Math.min(feed.resetSince ?? Infinity, from);
    }
  }

  private watchersOf(symbol: string): Watchers {
    let watchers = this.watchers.get(symbol);
    if (!watchers) {
      watchers = { quotes: [], candles: [] };
      this.watchers.set(symbol, watchers);
    }
    return watchers;
  }

  private unwatch(symbol: string, feed: QuoteFeed | CandleFeed): void {
    const watchers = this.watchers.get(symbol);
    if (!watchers) return;
    if (feed instanceof QuoteFeed) remove(watchers.quotes, feed);
    else remove(watchers.candles, feed);
    if (watchers.quotes.length === 0 && watchers.candles.length === 0) this.watchers.delete(symbol);
  }
}

/** The feeds a symbol's changes mark dirty. */
interface Watchers {
  quotes: QuoteFeed[];
  candles: CandleFeed[];
}

function addOnce<T>(list: T[], item: T): void {
  if (!list.includes(item)) list.push(item);
}

function remove<T>(list: T[], item: T): void {
  const index = list.indexOf(item);
  if (index >= 0) list.splice(index, 1);
}
