import type { Bar } from '../../lib/candles';
import type { Instrument } from '../../lib/instrument';
import type { Interval } from '../../lib/intervals';
import type { Lots, Ticks, UnixMillis } from '../../lib/nominal';

/** A change of the best bid and ask without a trade. */
export interface QuoteEvent {
  type: 'quote';
  symbol: string;
  time: UnixMillis;
  bid: Ticks;
  ask: Ticks;
}

/** A trade, with the best bid and ask just after it. */
export interface TradeEvent {
  type: 'trade';
  symbol: string;
  time: UnixMillis;
  price: Ticks;
  size: Lots;
  bid: Ticks;
  ask: Ticks;
}

/**
 * Bars of one interval a source has whole (history it computed or fetched), ascending. Each replaces the market's
 * bar of the same time.
 */
export interface BarsEvent {
  type: 'bars';
  symbol: string;
  interval: Interval;
  bars: readonly Bar[];
  /**
   * The bars hold every trade before this time, unix ms, and none after: trades from then on follow as trades
   * (and become the newest bar's close). Without it each bar holds its whole bucket.
   */
  asOf?: UnixMillis | undefined;
}

export type SourceEvent = QuoteEvent | TradeEvent | BarsEvent;
export type EventSink = (event: SourceEvent) => void;

/**
 * Where market events come from: the seeded simulator, a relay of an exchange feed, or a replay. Events of one
 * symbol arrive in time order.
 */
export interface PriceSource {
  readonly instruments: readonly Instrument[];
  /** Feeds every event before `now` (history for the charts), then returns. */
  backfill(sink: EventSink, now: UnixMillis): void;
  /** Starts live events after the backfill; returns the function that stops them. */
  start(sink: EventSink): () => void;
}
