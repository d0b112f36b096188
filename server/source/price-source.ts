import type { Instrument } from '../../lib/instrument';
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

export type SourceEvent = QuoteEvent | TradeEvent;
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
