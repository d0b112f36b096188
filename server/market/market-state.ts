import type { BarSeries } from '../../lib/bar-series';
import type { BarState } from '../../lib/candles';
import type { Instrument } from '../../lib/instrument';
import { INTERVAL_SECONDS, INTERVALS } from '../../lib/intervals';
import type { Lots, UnixMillis } from '../../lib/nominal';
import type { ListedInstrument, SymbolStatus } from '../../lib/protocol';
import { NO_PRICE, type Quote } from '../../lib/quote';
import type { BarsEvent, PriceSource, SourceEvent } from '../source/price-source';
import { listingOf, MarketBook, type SymbolBook } from './market-book';
import type { MarketChange } from './market-view';

export type { ChangeListener, MarketChange, MarketView, StatusListener } from './market-view';

const DAY = INTERVALS.indexOf('1d');

/** The one change object the market state hands to its listeners, refilled for every change. */
interface ReusedChange {
  position: number;
  symbol: string;
  quote: Readonly<Quote> | undefined;
  bars: readonly (BarState | undefined)[] | undefined;
  listing: ListedInstrument | undefined;
}

/**
 * Per symbol, the quote and the OHLCV bars at every interval, built from the sources' events, and the sequence of
 * changes they make. The quote's day fields (open, high, low, volume) are read off the current 1d bar and the
 * previous close off the bar before it, so the board and the charts agree by construction.
 */
export class MarketState extends MarketBook {
  private readonly touched: (BarState | undefined)[] = new Array<BarState | undefined>(INTERVALS.length);
  /** A change costs no allocation: listeners read it during the call (see `ChangeListener`). */
  private readonly change: ReusedChange = {
    position: 0,
    symbol: '',
    quote: undefined,
    bars: undefined,
    listing: undefined,
  };
  /** Per interval, trades before this time (ms) are not aggregated: they would be trimmed at once. */
  private horizon: number[] = INTERVALS.map(() => -Infinity);

  /** `instruments` are carried by the source named `source`, live from the start. */
  constructor(instruments: readonly Instrument[], historyBars: number, source = 'sim') {
    super(historyBars);
    for (const instrument of instruments) this.addInstrument(instrument, source, 'live');
  }

  /**
   * Adds an instrument a source carries; a symbol already known keeps its bars and quote (a source reconnecting
   * learns its instruments again) but takes the new instrument, source and status.
   */
  addInstrument(instrument: Instrument, source: string, status: SymbolStatus): void {
    const { book, changed, statusChanged } = this.list({ ...instrument, source, status });
    if (changed) this.listed(book);
    if (statusChanged) this.emitStatus(book);
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
    if (event.type === 'instrument') {
      this.addInstrument(event.instrument, event.source, event.status);
      return;
    }
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
    if (event.type === 'status') {
      if (state.status === event.status) return;
      state.status = event.status;
      this.listed(state);
      this.emitStatus(state);
      return;
    }
    if (event.type === 'bars') {
      this.putBars(state, event);
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
      bid: event.bid ?? NO_PRICE,
      ask: event.ask ?? NO_PRICE,
      open: day.open,
      high: day.high,
      low: day.low,
      prevClose: day.open,
      volume: day.volume,
      time: event.time,
    });
    if (event.time >= quote.time) {
      if (event.bid !== undefined) quote.bid = event.bid;
      if (event.ask !== undefined) quote.ask = event.ask;
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

  /** Puts a source's bars in place of the market's, then brings the quote's day fields up to date. */
  private putBars(state: SymbolBook, event: BarsEvent): void {
    const index = INTERVALS.indexOf(event.interval);
    const series = state.series[index] as BarSeries;
    const seconds = INTERVAL_SECONDS[event.interval];
    const touched = new Array<BarState | undefined>(INTERVALS.length);
    const symbol = state.instrument.symbol;
    for (const bar of event.bars) {
      const end = (bar.time + seconds) * 1000 - 1;
      const closeTime = (event.asOf === undefined ? end : Math.min(end, event.asOf - 1)) as UnixMillis;
      const openTime = (bar.time * 1000) as UnixMillis;
      const { time, open, high, low, close, volume } = bar;
      const put = series.put({
        time,
        open,
        high,
        low,
        close,
        volume,
        openTime,
        closeTime,
        openId: undefined,
        closeId: undefined,
      });
      if (!put) continue;
      touched[index] = put;
      this.changed(symbol, state.quote, touched);
    }
    if (index !== DAY) return;
    const day = series.last();
    if (!day) return;
    state.prevClose = series.at(-2)?.close;
    const quote = (state.quote ??= {
      last: day.close,
      bid: NO_PRICE,
      ask: NO_PRICE,
      open: day.open,
      high: day.high,
      low: day.low,
      prevClose: day.open,
      volume: day.volume,
      time: day.closeTime,
    });
    quote.last = day.close;
    quote.open = day.open;
    quote.high = day.high;
    quote.low = day.low;
    quote.volume = day.volume;
    quote.prevClose = state.prevClose ?? day.open;
    this.changed(symbol, quote, undefined);
  }

  private changed(
    symbol: string,
    quote: Quote | undefined,
    bars: readonly (BarState | undefined)[] | undefined,
    listing?: ListedInstrument,
  ): void {
    const change = this.change;
    change.position = this.lastPosition + 1;
    change.symbol = symbol;
    change.quote = quote;
    change.bars = bars;
    change.listing = listing;
    this.emit(change as MarketChange);
  }

  /** A change of how the symbol is listed: added, or a new instrument, source or status. */
  private listed(book: SymbolBook): void {
    this.changed(book.instrument.symbol, book.quote, undefined, listingOf(book));
  }
}
