import { BarSeries } from '../../lib/bar-series';
import type { Bar, BarState } from '../../lib/candles';
import { monthOf, oncePerMinute, sessionAt, weekOf } from '../../lib/calendar/sessions';
import type { Instrument } from '../../lib/instrument';
import { INTERVAL_SECONDS, INTERVALS, isCalendarInterval, type Interval } from '../../lib/intervals';
import type { Lots, Ticks, UnixMillis, UnixSeconds } from '../../lib/nominal';
import type { ListedInstrument, SymbolStatus } from '../../lib/protocol';
import { NO_PRICE, type Quote } from '../../lib/quote';
import type { BarsEvent, PriceSource, SourceEvent } from '../source/price-source';
import { listingOf, MarketBook, type SymbolBook } from './market-book';
import type { MarketChange } from './market-view';

export type { ChangeListener, MarketChange, MarketView, StatusListener } from './market-view';

const DAY = INTERVALS.indexOf('1d');

/** One change object handed to every listener, refilled for every change. */
interface ReusedChange {
  position: number;
  symbol: string;
  quote: Readonly<Quote> | undefined;
  bars: readonly (BarState | undefined)[] | undefined;
  listing: ListedInstrument | undefined;
}

/** A symbol's book, and what the aggregation of its trades keeps besides. */
interface SymbolState extends SymbolBook {
  /** The latest trade by time, in any session, and the trading day it belongs to. */
  lastTime: number;
  last: Ticks;
  lastDay: UnixSeconds | undefined;
  /** Intervals the source has sent bars of; 1w and 1M bars are otherwise rolled up from its 1d bars. */
  sourced: Set<Interval>;
  /** The trading day of a moment in any session, looked up once a minute. */
  dayOf: (time: UnixMillis) => UnixSeconds | undefined;
}

/** `sessionAt(...).day`, looked up once per minute. */
function tradingDayLookup(instrument: Instrument): (time: UnixMillis) => UnixSeconds | undefined {
  return oncePerMinute((time) => sessionAt(instrument.assetClass, time).day);
}

/**
 * Per symbol, the quote and the OHLCV bars at every interval, built from the source's events. The last price is
 * the latest trade of any session; the quote's day fields (open, high, low, volume) are read off the 1d bar of the
 * latest trade's trading day and the previous close off the 1d bar before it, so the board and the charts agree
 * by construction. An equity's 1d bar holds its regular session only: before the day's open (pre-market) the day
 * fields all stand at the previous close, with no volume.
 */
export class MarketState extends MarketBook<SymbolState> {
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

  protected createBook(base: SymbolBook): SymbolState {
    return {
      ...base,
      lastTime: -Infinity,
      last: 0 as Ticks,
      lastDay: undefined,
      sourced: new Set(),
      dayOf: tradingDayLookup(base.instrument),
    };
  }

  /**
   * Applies a source's history up to `now`. Trades too old for an interval's kept bars skip that interval,
   * which makes a long history cheap to load.
   */
  backfill(source: Pick<PriceSource, 'backfill'>, now: UnixMillis): void {
    // Calendar bars skip weekends and holidays: their kept bars reach further back than their nominal length.
    this.horizon = INTERVALS.map(
      (interval) =>
        now -
        this.historyBars * (isCalendarInterval(interval) ? 2 : 1.25) * INTERVAL_SECONDS[interval] * 1000,
    );
    try {
      source.backfill((event) => this.apply(event), now);
    } finally {
      this.horizon = INTERVALS.map(() => -Infinity);
    }
  }

  /**
   * Forgets every quote and bar (a replay's seek rebuilds them from its recording); instruments, their sources and
   * statuses, and the listeners stay.
   */
  reset(): void {
    for (const state of this.symbols.values()) {
      state.quote = undefined;
      state.series = INTERVALS.map(
        (interval) => new BarSeries(interval, this.historyBars, state.instrument.assetClass),
      );
      state.lastTime = -Infinity;
      state.last = 0 as Ticks;
      state.lastDay = undefined;
      state.sourced.clear();
    }
    // A hole in the positions on purpose: a replica that follows the changes finds it at the next one and reloads
    // a checkpoint, as it must, since nothing it holds is true any more.
    this.lastPosition++;
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
    for (let i = 0; i < INTERVALS.length; i++) {
      this.touched[i] =
        event.time >= (this.horizon[i] as number) ? (state.series[i] as BarSeries).add(event) : undefined;
    }
    const newest = event.time >= state.lastTime;
    if (newest) {
      state.lastTime = event.time;
      state.last = event.price;
      state.lastDay = state.dayOf(event.time) ?? state.lastDay;
    }
    const quote = (state.quote ??= {
      last: event.price,
      bid: event.bid ?? NO_PRICE,
      ask: event.ask ?? NO_PRICE,
      open: event.price,
      high: event.price,
      low: event.price,
      prevClose: event.price,
      volume: 0 as Lots,
      time: event.time,
    });
    if (newest) {
      if (event.bid !== undefined) quote.bid = event.bid;
      if (event.ask !== undefined) quote.ask = event.ask;
      quote.time = event.time;
    }
    quote.last = state.last;
    setDayFields(state, quote);
    this.changed(event.symbol, quote, this.touched);
  }

  /** Puts a source's bars in place of the market's, then brings the quote's day fields up to date. */
  private putBars(state: SymbolState, event: BarsEvent): void {
    state.sourced.add(event.interval);
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
    this.rollUpDays(state, event.bars);
    const day = series.last();
    if (!day) return;
    // Before any trade, the day bar stands for the last price; a later trade takes over.
    if (state.lastTime <= day.closeTime) {
      state.lastTime = day.closeTime;
      state.last = day.close;
      state.lastDay = day.time;
    }
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
    quote.last = state.last;
    setDayFields(state, quote);
    this.changed(symbol, quote, undefined);
  }

  /**
   * Rebuilds the 1w and 1M bars that hold `days` from the 1d series, for a source that sends day bars but no
   * weeks or months (a venue's klines): a week or a month is exactly its trading days.
   */
  private rollUpDays(state: SymbolState, days: readonly Bar[]): void {
    const daySeries = state.series[DAY] as BarSeries;
    for (const interval of ['1w', '1M'] as const) {
      if (state.sourced.has(interval)) continue;
      const index = INTERVALS.indexOf(interval);
      const series = state.series[index] as BarSeries;
      const bucketOf = interval === '1w' ? weekOf : monthOf;
      const buckets = new Set(days.map((day) => bucketOf(day.time)));
      const all = daySeries.slice(daySeries.length);
      for (const bucket of buckets) {
        const members = all.filter((day) => bucketOf(day.time) === bucket);
        const first = members[0];
        const last = members.at(-1);
        if (!first || !last) continue;
        const put = series.put({
          time: bucket,
          open: first.open,
          high: Math.max(...members.map((day) => day.high)) as Ticks,
          low: Math.min(...members.map((day) => day.low)) as Ticks,
          close: last.close,
          volume: members.reduce((sum, day) => sum + day.volume, 0) as Lots,
          openTime: first.openTime,
          closeTime: last.closeTime,
          openId: first.openId,
          closeId: last.closeId,
        });
        if (!put) continue;
        const touched = new Array<BarState | undefined>(INTERVALS.length);
        touched[index] = put;
        this.changed(state.instrument.symbol, state.quote, touched);
      }
    }
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
  private listed(book: SymbolState): void {
    this.changed(book.instrument.symbol, book.quote, undefined, listingOf(book));
  }
}

/**
 * Open, high, low, volume and previous close from the 1d bar of the latest trade's trading day, or, before that
 * day's bar exists (an equity's pre-market), all at the previous trading day's close.
 */
function setDayFields(state: SymbolState, quote: Quote): void {
  const daySeries = state.series[DAY] as BarSeries;
  const newestDay = daySeries.last();
  const day = newestDay && newestDay.time === state.lastDay ? newestDay : undefined;
  const before = day ? daySeries.at(-2) : newestDay;
  quote.prevClose = before?.close ?? day?.open ?? quote.prevClose;
  quote.open = day?.open ?? quote.prevClose;
  quote.high = day?.high ?? quote.prevClose;
  quote.low = day?.low ?? quote.prevClose;
  quote.volume = day?.volume ?? (0 as Lots);
}
