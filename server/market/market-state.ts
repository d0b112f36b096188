import { BarSeries } from '../../lib/bar-series';
import { toBar, type Bar, type BarState } from '../../lib/candles';
import { sessionAt } from '../../lib/calendar/sessions';
import type { Instrument } from '../../lib/instrument';
import { INTERVAL_SECONDS, INTERVALS, isCalendarInterval, type Interval } from '../../lib/intervals';
import type { Lots, Ticks, UnixMillis, UnixSeconds } from '../../lib/nominal';
import type { Quote } from '../../lib/quote';
import type { PriceSource, SourceEvent } from '../source/price-source';

const DAY = INTERVALS.indexOf('1d');

/**
 * Called after every event with the symbol and, for a trade, the bar it touched at each interval (in
 * `INTERVALS` order; undefined where the trade was too old to keep). The array is reused: read it, don't keep it.
 */
export type ChangeListener = (symbol: string, touched: readonly (BarState | undefined)[] | undefined) => void;

interface SymbolState {
  instrument: Instrument;
  quote: Quote | undefined;
  series: BarSeries[];
  /** The latest trade by time, in any session, and the trading day it belongs to. */
  lastTime: number;
  last: Ticks;
  lastDay: UnixSeconds | undefined;
}

/**
 * Per symbol, the quote and the OHLCV bars at every interval, built from the source's events. The last price is
 * the latest trade of any session; the quote's day fields (open, high, low, volume) are read off the 1d bar of the
 * latest trade's trading day and the previous close off the 1d bar before it, so the board and the charts agree
 * by construction. An equity's 1d bar holds its regular session only: before the day's open (pre-market) the day
 * fields all stand at the previous close, with no volume.
 */
export class MarketState {
  private readonly symbols = new Map<string, SymbolState>();
  /** Replaced, never changed in place, so a listener may stop listening while being called. */
  private listeners: readonly ChangeListener[] = [];
  private readonly touched: (BarState | undefined)[] = new Array<BarState | undefined>(INTERVALS.length);
  private readonly historyBars: number;
  /** Per interval, trades before this time (ms) are not aggregated: they would be trimmed at once. */
  private horizon: number[] = INTERVALS.map(() => -Infinity);

  constructor(instruments: readonly Instrument[], historyBars: number) {
    this.historyBars = historyBars;
    for (const instrument of instruments) {
      this.symbols.set(instrument.symbol, {
        instrument,
        quote: undefined,
        series: INTERVALS.map((interval) => new BarSeries(interval, historyBars, instrument.assetClass)),
        lastTime: -Infinity,
        last: 0 as Ticks,
        lastDay: undefined,
      });
    }
  }

  get instruments(): Instrument[] {
    return [...this.symbols.values()].map((state) => state.instrument);
  }

  has(symbol: string): boolean {
    return this.symbols.has(symbol);
  }

  instrument(symbol: string): Instrument | undefined {
    return this.symbols.get(symbol)?.instrument;
  }

  /** The live quote; undefined before the symbol's first trade. Do not mutate. */
  quote(symbol: string): Readonly<Quote> | undefined {
    return this.symbols.get(symbol)?.quote;
  }

  /** Up to `limit` bars before `before` (the newest when omitted), ascending, detached from the live state. */
  bars(symbol: string, interval: Interval, limit: number, before?: UnixSeconds): Bar[] {
    const series = this.symbols.get(symbol)?.series[INTERVALS.indexOf(interval)];
    return series ? series.slice(limit, before).map(toBar) : [];
  }

  /**
   * Applies a source's history up to `now`. Trades too old for an interval's kept bars skip that interval,
   * which makes a long history cheap to load.
   */
  backfill(source: PriceSource, now: UnixMillis): void {
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

  /** Every bar from the one at or after `since` (unix seconds) to the newest, ascending, detached. */
  barsSince(symbol: string, interval: Interval, since: number): Bar[] {
    const series = this.symbols.get(symbol)?.series[INTERVALS.indexOf(interval)];
    if (!series) return [];
    return series
      .slice(series.length)
      .filter((bar) => bar.time >= since)
      .map(toBar);
  }

  /** Listens to every change; returns the function that stops listening. */
  onChange(listener: ChangeListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((known) => known !== listener);
    };
  }

  apply(event: SourceEvent): void {
    const state = this.symbols.get(event.symbol);
    if (!state) return;
    if (event.type === 'bars') {
      (state.series[INTERVALS.indexOf(event.interval)] as BarSeries).load(event.bars, event.asOf);
      this.emit(event.symbol, undefined);
      return;
    }
    if (event.type === 'quote') {
      if (!state.quote) return;
      state.quote.bid = event.bid;
      state.quote.ask = event.ask;
      state.quote.time = event.time;
      this.emit(event.symbol, undefined);
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
      state.lastDay = sessionAt(state.instrument.assetClass, event.time).day ?? state.lastDay;
    }
    const quote = (state.quote ??= {
      last: event.price,
      bid: event.bid,
      ask: event.ask,
      open: event.price,
      high: event.price,
      low: event.price,
      prevClose: event.price,
      volume: 0 as Lots,
      time: event.time,
    });
    if (newest) {
      quote.bid = event.bid;
      quote.ask = event.ask;
      quote.time = event.time;
    }
    quote.last = state.last;
    const daySeries = state.series[DAY] as BarSeries;
    const newestDay = daySeries.last();
    const day = newestDay && newestDay.time === state.lastDay ? newestDay : undefined;
    const before = day ? daySeries.beforeLast() : newestDay;
    quote.prevClose = before?.close ?? day?.open ?? quote.prevClose;
    quote.open = day?.open ?? quote.prevClose;
    quote.high = day?.high ?? quote.prevClose;
    quote.low = day?.low ?? quote.prevClose;
    quote.volume = day?.volume ?? (0 as Lots);
    this.emit(event.symbol, this.touched);
  }

  private emit(symbol: string, touched: readonly (BarState | undefined)[] | undefined): void {
    for (const listener of this.listeners) listener(symbol, touched);
  }
}
