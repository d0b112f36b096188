import type { BarSeries } from '../../lib/bar-series';
import type { BarState } from '../../lib/candles';
import type { Instrument } from '../../lib/instrument';
import { INTERVAL_SECONDS, INTERVALS } from '../../lib/intervals';
import type { Lots, UnixMillis } from '../../lib/nominal';
import type { Quote } from '../../lib/quote';
import type { PriceSource, SourceEvent } from '../source/price-source';
import { MarketBook } from './market-book';
import type { MarketChange } from './market-view';

export type { ChangeListener, MarketChange, MarketView } from './market-view';

const DAY = INTERVALS.indexOf('1d');

/** The one change object the market state hands to its listeners, refilled for every change. */
interface ReusedChange {
  position: number;
  symbol: string;
  quote: Readonly<Quote> | undefined;
  bars: readonly (BarState | undefined)[] | undefined;
}

/**
 * Per symbol, the quote and the OHLCV bars at every interval, built from the source's events, and the sequence of
 * changes they make. The quote's day fields (open, high, low, volume) are read off the current 1d bar and the
 * previous close off the bar before it, so the board and the charts agree by construction.
 */
export class MarketState extends MarketBook {
  private readonly touched: (BarState | undefined)[] = new Array<BarState | undefined>(INTERVALS.length);
  /** A change costs no allocation: listeners read it during the call (see `ChangeListener`). */
  private readonly change: ReusedChange = { position: 0, symbol: '', quote: undefined, bars: undefined };
  /** Per interval, trades before this time (ms) are not aggregated: they would be trimmed at once. */
  private horizon: number[] = INTERVALS.map(() => -Infinity);

  constructor(instruments: readonly Instrument[], historyBars: number) {
    super(instruments, historyBars);
  }

  /**
   * Applies a source's history up to `now`. Trades too old for an interval's kept bars skip that interval,
   * which makes a long history cheap to load.
   */
  backfill(source: PriceSource, now: UnixMillis): void {
    this.horizon = INTERVALS.map(
      (interval) => now - this.historyBars * 1.25 * INTERVAL_SECONDS[interval] * 1000,
    );
    try {
      source.backfill((event) => this.apply(event), now);
    } finally {
      this.horizon = INTERVALS.map(() => -Infinity);
    }
  }

  apply(event: SourceEvent): void {
    const state = this.symbols.get(event.symbol);
    if (!state) return;
    if (event.type === 'quote') {
      if (!state.quote) return;
      state.quote.bid = event.bid;
      state.quote.ask = event.ask;
      state.quote.time = event.time;
      this.changed(event.symbol, state.quote, undefined);
      return;
    }
    const daySeries = state.series[DAY] as BarSeries;
    const dayBefore = daySeries.last();
    for (let i = 0; i < INTERVALS.length; i++) {
      this.touched[i] =
        event.time >= (this.horizon[i] as number) ? (state.series[i] as BarSeries).add(event) : undefined;
    }
    const day = daySeries.last() as BarState;
    if (dayBefore && dayBefore !== day && dayBefore.time < day.time) state.prevClose = dayBefore.close;
    // A trade older than the current day changes history, not the quote.
    if (this.touched[DAY] !== day && state.quote) {
      this.changed(event.symbol, state.quote, this.touched);
      return;
    }
    const quote = (state.quote ??= {
      last: day.close,
      bid: event.bid,
      ask: event.ask,
      open: day.open,
      high: day.high,
      low: day.low,
      prevClose: day.open,
      volume: day.volume,
      time: event.time,
    });
    if (event.time >= quote.time) {
      quote.bid = event.bid;
      quote.ask = event.ask;
      quote.time = event.time;
    }
    // The last price is the day bar's close: the latest trade by time, whatever order trades arrive in.
    quote.last = day.close;
    quote.open = day.open;
    quote.high = day.high;
    quote.low = day.low;
    quote.volume = day.volume as Lots;
    quote.prevClose = state.prevClose ?? day.open;
    this.changed(event.symbol, quote, this.touched);
  }

  private changed(symbol: string, quote: Quote, bars: readonly (BarState | undefined)[] | undefined): void {
    const change = this.change;
    change.position = this.lastPosition + 1;
    change.symbol = symbol;
    change.quote = quote;
    change.bars = bars;
    this.emit(change as MarketChange);
  }
}
