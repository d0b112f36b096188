import { BarSeries } from '../../lib/bar-series';
import { toBar, type Bar, type BarState } from '../../lib/candles';
import type { Instrument } from '../../lib/instrument';
import { INTERVALS, type Interval } from '../../lib/intervals';
import type { Ticks, UnixSeconds } from '../../lib/nominal';
import type { Quote } from '../../lib/quote';
import type { ChangeListener, MarketChange, MarketView } from './market-view';

export interface SymbolBook {
  instrument: Instrument;
  quote: Quote | undefined;
  /** Per interval in `INTERVALS` order. */
  series: BarSeries[];
  /** The close of the day before the current one, where the market has seen it. */
  prevClose: Ticks | undefined;
}

/**
 * The whole market at one position, as plain data: what a gateway loads before it follows the changes after
 * `position`.
 */
export interface MarketCheckpoint {
  position: number;
  historyBars: number;
  symbols: {
    instrument: Instrument;
    quote: Quote | undefined;
    prevClose: Ticks | undefined;
    /** Per interval in `INTERVALS` order, ascending. */
    bars: BarState[][];
  }[];
}

/**
 * Per symbol, the quote and the bars at every interval, read through `MarketView`. The market state (which
 * aggregates a source's events) and the replica (which follows its changes) both keep the market in one of these.
 */
export abstract class MarketBook implements MarketView {
  protected readonly symbols = new Map<string, SymbolBook>();
  protected readonly historyBars: number;
  protected lastPosition = 0;
  /** Replaced, never changed in place, so a listener may stop listening while being called. */
  private listeners: readonly ChangeListener[] = [];

  constructor(instruments: readonly Instrument[], historyBars: number) {
    this.historyBars = historyBars;
    for (const instrument of instruments) this.addSymbol(instrument);
  }

  get instruments(): Instrument[] {
    return [...this.symbols.values()].map((state) => state.instrument);
  }

  get position(): number {
    return this.lastPosition;
  }

  has(symbol: string): boolean {
    return this.symbols.has(symbol);
  }

  instrument(symbol: string): Instrument | undefined {
    return this.symbols.get(symbol)?.instrument;
  }

  quote(symbol: string): Readonly<Quote> | undefined {
    return this.symbols.get(symbol)?.quote;
  }

  bars(symbol: string, interval: Interval, limit: number, before?: UnixSeconds): Bar[] {
    const series = this.symbols.get(symbol)?.series[INTERVALS.indexOf(interval)];
    return series ? series.slice(limit, before).map(toBar) : [];
  }

  barsSince(symbol: string, interval: Interval, since: number): Bar[] {
    const series = this.symbols.get(symbol)?.series[INTERVALS.indexOf(interval)];
    if (!series) return [];
    return series
      .slice(series.length)
      .filter((bar) => bar.time >= since)
      .map(toBar);
  }

  barAt(symbol: string, intervalIndex: number, time: number): Readonly<Bar> | undefined {
    return this.symbols.get(symbol)?.series[intervalIndex]?.at(time);
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((known) => known !== listener);
    };
  }

  /** The whole market as plain data, detached from the live state. */
  checkpoint(): MarketCheckpoint {
    return {
      position: this.lastPosition,
      historyBars: this.historyBars,
      symbols: [...this.symbols.values()].map((state) => ({
        instrument: state.instrument,
        quote: state.quote && { ...state.quote },
        prevClose: state.prevClose,
        bars: state.series.map((series) => series.slice(series.length).map((bar) => ({ ...bar }))),
      })),
    };
  }

  protected addSymbol(instrument: Instrument): SymbolBook {
    const book: SymbolBook = {
      instrument,
      quote: undefined,
      series: INTERVALS.map((interval) => new BarSeries(interval, this.historyBars)),
      prevClose: undefined,
    };
    this.symbols.set(instrument.symbol, book);
    return book;
  }

  protected emit(change: MarketChange): void {
    this.lastPosition = change.position;
    for (const listener of this.listeners) listener(change);
  }
}
