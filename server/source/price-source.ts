import type { Bar } from '../../lib/candles';
import type { Instrument } from '../../lib/instrument';
import type { Interval } from '../../lib/intervals';
import type { Lots, Ticks, UnixMillis } from '../../lib/nominal';
import type { SymbolStatus } from '../../lib/protocol';

/** The side that took liquidity: `buy` lifted the ask, `sell` hit the bid. */
export type TakerSide = 'buy' | 'sell';

/** A change of the best bid and ask without a trade; sizes where the venue gives them. */
export interface QuoteEvent {
  type: 'quote';
  symbol: string;
  time: UnixMillis;
  bid: Ticks;
  ask: Ticks;
  bidSize?: Lots | undefined;
  askSize?: Lots | undefined;
}

/**
 * A trade at the exchange's time. `tradeId` is the venue's own number for it where it has one (it grows by one per
 * trade of a symbol on Binance and Coinbase): duplicates are dropped by it and equal times ordered by it. `bid` and
 * `ask` are the best prices just after the trade, where the source knows them (the simulator does).
 */
export interface TradeEvent {
  type: 'trade';
  symbol: string;
  time: UnixMillis;
  price: Ticks;
  size: Lots;
  side?: TakerSide | undefined;
  tradeId?: number | undefined;
  bid?: Ticks | undefined;
  ask?: Ticks | undefined;
}

/**
 * The venue's own bars of one interval (from its REST candles), ascending. Each replaces the market's bar of the
 * same time: the venue aggregated every trade of that bucket, so nothing is counted twice. A source sends them
 * whenever it has them: at start for history, and after a gap to repair it.
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

/** An instrument the source learned (a relay, from the venue at start); its symbol's status until it changes. */
export interface InstrumentEvent {
  type: 'instrument';
  instrument: Instrument;
  /** The name of the source that carries it. */
  source: string;
  status: SymbolStatus;
}

/** A symbol's status changed: `stale` while its upstream is down or silent, `closed` outside its session. */
export interface StatusEvent {
  type: 'status';
  symbol: string;
  status: SymbolStatus;
}

/** What moves prices: trades and quote changes. */
export type MarketEvent = QuoteEvent | TradeEvent;
export type SourceEvent = MarketEvent | BarsEvent | InstrumentEvent | StatusEvent;
export type EventSink = (event: SourceEvent) => void;
/** The sink of a source that only ever sends trades and quotes (the simulator). */
export type MarketEventSink = (event: MarketEvent) => void;

/** How a source's upstream is doing, for /healthz and the logs. */
export type HealthState = 'connecting' | 'live' | 'stale' | 'down';

export interface SourceHealth {
  state: HealthState;
  /** Why it is not live, in words an operator can act on. */
  reason?: string | undefined;
  /** When it entered this state, unix ms. */
  since: UnixMillis;
}

/**
 * Where market events come from: the seeded simulator, a relay of an exchange feed, or a replay. Events of one
 * symbol arrive in time order, except trades a venue delivers late (they land in their bars by time). Sources know
 * nothing of clients.
 */
export interface PriceSource {
  /** What `/api/symbols` calls it in each instrument's `source`: `sim`, `binance`, `coinbase`, `finnhub`. */
  readonly name: string;
  /** The instruments known before start; a relay adds those it learns with `instrument` events. */
  readonly instruments: readonly Instrument[];
  /** Feeds every event before `now` that it can produce at once (the simulator's history), then returns. */
  backfill(sink: EventSink, now: UnixMillis): void;
  /**
   * Starts live events after the backfill, and any history that arrives later (`bars` events); returns the
   * function that stops it, its connections and its timers.
   */
  start(sink: EventSink): () => void;
  /** Its upstream's health now. */
  health(): SourceHealth;
}
