import type { Bar } from '../../lib/candles';
import { applyCandleEntry, chartFromAck, prependBars, trimBars, type ChartBars } from '../../lib/chart-bars';
import { decimalBar } from '../../lib/decimals';
import type { Instrument } from '../../lib/instrument';
import type { Interval } from '../../lib/intervals';
import type { ApiBar, CandleEntry, CandlesSubscribed } from '../../lib/protocol';
import { refused, TRANSIENT, type Channel } from './channel';
import { TickerboardError } from './errors';
import { Subscription, type SubscriptionState } from './subscription';

export interface CandleUpdate {
  symbol: string;
  interval: Interval;
  instrument: Instrument;
  /** Every bar held, ascending, in ticks and lots. */
  chart: ChartBars;
  /** The bars this update changed or added (all of them when `replaced`), in ticks and lots. */
  changed: readonly Bar[];
  /** `changed` in decimals. */
  decimals: readonly ApiBar[];
  /** The bars were replaced wholesale (the first bars, a resync, older history put in front). */
  replaced: boolean;
  /**
   * Set when the server reset the stream from this time (unix seconds) on (its market was replaced, or this
   * client fell behind): bars held from there on that the server no longer has are gone. `replaced` is true, and
   * bars kept from before `since` (history put in front, say) are still valid; `since` 0: none is.
   */
  since?: number;
}

export interface CandleOptions {
  /** Bars to start with, newest last (the server's default, 500, otherwise). */
  limit?: number | undefined;
  throttleMs?: number | undefined;
  /**
   * The most bars held (10,000 otherwise): as new bars arrive the oldest go, history put in front included, so a
   * stream followed for days holds bounded memory. `Infinity` keeps every bar.
   */
  maxBars?: number | undefined;
}

/** Bars a stream holds when no subscriber says otherwise. */
export const DEFAULT_MAX_BARS = 10_000;

type StreamStatus = Exclude<SubscriptionState, 'unsubscribed'>;

const keyOf = (symbol: string, interval: Interval) => `${symbol} ${interval}`;

interface Stream {
  readonly symbol: string;
  readonly interval: Interval;
  readonly subscribers: Set<CandleSubscription>;
  status: StreamStatus;
  error: TickerboardError | undefined;
  chart: ChartBars | undefined;
  held: boolean;
  pending: boolean;
  gap: boolean;
  attempt: number;
}

/**
 * Keeps the server's candle streams equal to what the subscription objects want, one per (symbol, interval):
 * subscribes, resubscribes a stream that missed an entry (its acknowledgement brings fresh bars), unsubscribes
 * what nobody wants, and asks for everything again after a reconnect. Entries go through lib/chart-bars.
 */
export class CandleRegistry {
  private readonly streams = new Map<string, Stream>();

  constructor(private readonly channel: Channel) {}

  subscribe(symbol: string, interval: Interval, options: CandleOptions): CandleSubscription {
    const subscription = new CandleSubscription(this, symbol, interval, options);
    const key = keyOf(symbol, interval);
    let stream = this.streams.get(key);
    if (!stream || stream.status === 'failed') {
      stream = {
        symbol,
        interval,
        subscribers: new Set(),
        status: 'subscribing',
        error: undefined,
        chart: undefined,
        held: stream?.held ?? false,
        pending: stream?.pending ?? false,
        gap: false,
        attempt: 0,
      };
      this.streams.set(key, stream);
    }
    stream.subscribers.add(subscription);
    subscription.refresh(stream.status, stream.error);
    // A stream already held: the newcomer starts from its bars.
    if (stream.chart && stream.status === 'live')
      subscription.receive(this.updateOf(stream, stream.chart.bars, true));
    queueMicrotask(() => this.reconcile());
    return subscription;
  }

  release(subscription: CandleSubscription): void {
    this.streams.get(keyOf(subscription.symbol, subscription.interval))?.subscribers.delete(subscription);
    queueMicrotask(() => this.reconcile());
  }

  chart(symbol: string, interval: Interval): ChartBars | undefined {
    return this.streams.get(keyOf(symbol, interval))?.chart;
  }

  /** Older bars put in front of a stream's (history loaded by the caller). */
  prepend(symbol: string, interval: Interval, older: readonly Bar[]): void {
    const stream = this.streams.get(keyOf(symbol, interval));
    if (!stream?.chart) return;
    const next = prependBars(stream.chart, older);
    if (next === stream.chart) return;
    stream.chart = next;
    this.deliver(stream, next.bars, true);
  }

  frame(entries: readonly CandleEntry[]): void {
    let gaps = false;
    for (const entry of entries) {
      const stream = this.streams.get(keyOf(entry[0], entry[1]));
      if (!stream?.chart) continue;
      const update = applyCandleEntry(stream.chart, entry);
      if (update.gap && !stream.gap && !stream.pending) {
        stream.gap = true;
        gaps = true;
        this.setStatus(stream, 'resyncing');
      }
      // A reset is delivered whole (every bar from `since` on, however many) before the chart is trimmed.
      stream.chart = update.chart;
      if (update.since !== undefined) this.deliver(stream, update.chart.bars, true, update.since);
      stream.chart = trimBars(update.chart, this.maxBars(stream));
      if (update.since === undefined && update.changed.length > 0)
        this.deliver(stream, update.changed, false);
    }
    if (gaps) this.reconcile();
  }

  disconnected(): void {
    for (const stream of this.streams.values()) {
      stream.held = false;
      stream.pending = false;
      stream.gap = false;
      stream.attempt = 0;
      if (stream.status !== 'failed') this.setStatus(stream, stream.chart ? 'stale' : 'subscribing');
    }
  }

  /** The client was closed: every subscription ends. */
  endAll(): void {
    const subscriptions = [...this.streams.values()].flatMap((stream) => [...stream.subscribers]);
    for (const subscription of subscriptions) subscription.unsubscribe();
  }

  /** The client ended (an outdated server, a refused token): every subscription fails with `error`. */
  failAll(error: TickerboardError): void {
    for (const stream of this.streams.values()) {
      stream.error = error;
      this.setStatus(stream, 'failed');
    }
  }

  reconcile(): void {
    if (!this.channel.ready) return;
    // Drops go first: the server holds a few streams per connection, and a switch must not exceed them.
    for (const [key, stream] of this.streams) {
      if (stream.pending || (stream.subscribers.size > 0 && stream.status !== 'failed')) continue;
      if (stream.held) {
        this.channel.emit(
          'unsubscribeCandles',
          { symbol: stream.symbol, interval: stream.interval },
          () => {},
        );
        stream.held = false;
      }
      if (stream.subscribers.size === 0) this.streams.delete(key);
    }
    for (const stream of this.streams.values()) {
      if (stream.pending || stream.subscribers.size === 0 || stream.status === 'failed') continue;
      if (!stream.held || stream.gap) this.request(stream);
    }
  }

  /** The most bars any subscriber of the stream wants held. */
  private maxBars(stream: Stream): number {
    let most = 0;
    for (const subscription of stream.subscribers) most = Math.max(most, subscription.maxBars);
    return most || DEFAULT_MAX_BARS;
  }

  private request(stream: Stream): void {
    const epoch = this.channel.epoch;
    const limits = [...stream.subscribers].map((s) => s.limit).filter((n) => n !== undefined);
    const throttles = [...stream.subscribers].map((s) => s.throttleMs).filter((n) => n !== undefined);
    stream.pending = true;
    stream.gap = false;
    if (stream.chart) this.setStatus(stream, 'resyncing');
    const request = {
      symbol: stream.symbol,
      interval: stream.interval,
      ...(limits.length > 0 ? { limit: Math.max(...limits) } : {}),
      ...(throttles.length > 0 ? { throttleMs: Math.min(...throttles) } : {}),
    };
    this.channel.emit('subscribeCandles', request, (response) => {
      if (
        epoch !== this.channel.epoch ||
        this.streams.get(keyOf(stream.symbol, stream.interval)) !== stream
      ) {
        return;
      }
      if (refused(response) && TRANSIENT.includes(response.error.code)) {
        this.channel.later(stream.attempt++, () => {
          if (epoch !== this.channel.epoch) return;
          stream.pending = false;
          // A stream held was being resynced: it still needs fresh bars.
          if (stream.held) stream.gap = true;
          this.reconcile();
        });
        return;
      }
      stream.pending = false;
      if (refused(response)) {
        const { code, message, symbols } = response.error;
        stream.error = new TickerboardError(code, message, symbols ?? [stream.symbol]);
        this.setStatus(stream, 'failed');
      } else {
        this.accepted(stream, response);
      }
      this.reconcile();
    });
  }

  private accepted(stream: Stream, ack: CandlesSubscribed): void {
    stream.held = true;
    stream.attempt = 0;
    stream.chart = trimBars(chartFromAck(ack), this.maxBars(stream));
    this.setStatus(stream, 'live');
    this.deliver(stream, stream.chart.bars, true);
  }

  private setStatus(stream: Stream, status: StreamStatus): void {
    if (stream.status === status) return;
    stream.status = status;
    if (status !== 'failed') stream.error = undefined;
    for (const subscription of stream.subscribers) subscription.refresh(status, stream.error);
  }

  private updateOf(
    stream: Stream,
    changed: readonly Bar[],
    replaced: boolean,
    since?: number,
  ): CandleUpdate | undefined {
    const instrument = this.channel.instrument(stream.symbol);
    if (!stream.chart || !instrument) return undefined;
    return {
      symbol: stream.symbol,
      interval: stream.interval,
      instrument,
      chart: stream.chart,
      changed,
      decimals: changed.map((bar) => decimalBar(bar, instrument)),
      replaced,
      ...(since === undefined ? {} : { since }),
    };
  }

  private deliver(stream: Stream, changed: readonly Bar[], replaced: boolean, since?: number): void {
    const update = this.updateOf(stream, changed, replaced, since);
    if (!update) return;
    for (const subscription of stream.subscribers) subscription.receive(update);
  }
}

/** A subscription to one candle stream, from `client.candles(symbol, interval)`. */
export class CandleSubscription extends Subscription<CandleUpdate> {
  readonly symbol: string;
  readonly interval: Interval;
  readonly limit: number | undefined;
  readonly throttleMs: number | undefined;
  readonly maxBars: number;

  constructor(
    private readonly registry: CandleRegistry,
    symbol: string,
    interval: Interval,
    options: CandleOptions,
  ) {
    super();
    this.symbol = symbol;
    this.interval = interval;
    this.limit = options.limit;
    this.throttleMs = options.throttleMs;
    this.maxBars = options.maxBars ?? DEFAULT_MAX_BARS;
  }

  /** The bars held, ascending, in ticks and lots; undefined until the first arrive. */
  get chart(): ChartBars | undefined {
    return this.ended ? undefined : this.registry.chart(this.symbol, this.interval);
  }

  /** Puts older bars (from `client.history`) in front of the held ones; listeners get a `replaced` update. */
  prepend(older: readonly Bar[]): void {
    if (!this.ended) this.registry.prepend(this.symbol, this.interval, older);
  }

  unsubscribe(): void {
    if (this.ended) return;
    this.setState('unsubscribed');
    this.registry.release(this);
  }

  /** @internal */
  refresh(status: StreamStatus, error: TickerboardError | undefined): void {
    this.setState(status, status === 'failed' ? error : undefined);
    if (status === 'failed') this.registry.release(this);
  }

  /** @internal */
  receive(update: CandleUpdate | undefined): void {
    if (update) this.deliver(update);
  }
}
