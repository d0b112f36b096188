import { BarSeries } from '../../lib/bar-series';
import { toBar, type Bar, type BarState } from '../../lib/candles';
import type { Instrument } from '../../lib/instrument';
import { INTERVALS, type Interval } from '../../lib/intervals';
import type { UnixSeconds } from '../../lib/nominal';
import type { ListedInstrument, StatusEntry, SymbolStatus } from '../../lib/protocol';
import type { Quote } from '../../lib/quote';
import type { ChangeListener, MarketChange, MarketView, StatusListener } from './market-view';

export interface SymbolBook {
  instrument: Instrument;
  /** The name of the source that carries it. */
  source: string;
  status: SymbolStatus;
  quote: Quote | undefined;
  /** Per interval in `INTERVALS` order. */
  series: BarSeries[];
}

/**
 * The whole market at one position, as plain data: what a gateway loads before it follows the changes after
 * `position`.
 */
export interface MarketCheckpoint {
  position: number;
  historyBars: number;
  symbols: {
    listing: ListedInstrument;
    quote: Quote | undefined;
    /**
     * Per interval in `INTERVALS` order, ascending, eight numbers a bar: time, open, high, low, close, volume,
     * openTime, closeTime. Flat: a market holds hundreds of thousands of bars, which this copies in one pass.
     */
    bars: Float64Array[];
    /**
     * Per interval, the venue's trade numbers that set each bar's open and close (`openId`, `closeId`: two numbers
     * a bar, NaN where there is none), or null where no bar has one. Absent for a symbol whose source numbers no
     * trades (the simulator's), so it costs nothing there.
     */
    tradeIds?: (Float64Array | null)[];
  }[];
}

/**
 * Per symbol, the quote, the bars at every interval and the status, read through `MarketView`. The market state
 * (which aggregates a source's events) and the replica (which follows its changes) both keep the market in one.
 */
export abstract class MarketBook<Book extends SymbolBook = SymbolBook> implements MarketView {
  protected readonly symbols = new Map<string, Book>();
  protected readonly historyBars: number;
  protected lastPosition = 0;
  /** Replaced, never changed in place, so a listener may stop listening while being called. */
  private listeners: readonly ChangeListener[] = [];
  private statusListeners: readonly StatusListener[] = [];

  constructor(historyBars: number) {
    this.historyBars = historyBars;
  }

  get instruments(): Instrument[] {
    return [...this.symbols.values()].map((state) => state.instrument);
  }

  get position(): number {
    return this.lastPosition;
  }

  listing(): ListedInstrument[] {
    return [...this.symbols.values()].map((book) => ({ ...listingOf(book), status: this.shownStatus(book) }));
  }

  statuses(): StatusEntry[] {
    return [...this.symbols.values()].map((book) => this.statusEntry(book));
  }

  status(symbol: string): SymbolStatus | undefined {
    const book = this.symbols.get(symbol);
    return book && this.shownStatus(book);
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
    return this.symbols.get(symbol)?.series[intervalIndex]?.atTime(time);
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((known) => known !== listener);
    };
  }

  onStatus(listener: StatusListener): () => void {
    this.statusListeners = [...this.statusListeners, listener];
    return () => {
      this.statusListeners = this.statusListeners.filter((known) => known !== listener);
    };
  }

  /** The whole market as plain data, detached from the live state. */
  checkpoint(): MarketCheckpoint {
    return {
      position: this.lastPosition,
      historyBars: this.historyBars,
      symbols: [...this.symbols.values()].map((state) => {
        const bars = state.series.map((series) => series.slice(series.length));
        const tradeIds = bars.map(packTradeIds);
        return {
          listing: listingOf(state),
          quote: state.quote && { ...state.quote },
          bars: bars.map(packBars),
          ...(tradeIds.some((ids) => ids !== null) ? { tradeIds } : {}),
        };
      }),
    };
  }

  /**
   * Lists a symbol (a source learned it, or it changed source or status), keeping the bars and quote of one
   * already known. Returns its book, and whether anything changed.
   */
  protected list(listing: ListedInstrument): Listed<Book> {
    const { source, status, ...instrument } = listing;
    const known = this.symbols.get(listing.symbol);
    if (known) {
      const statusChanged = known.status !== status;
      const changed =
        statusChanged ||
        known.source !== source ||
        JSON.stringify(known.instrument) !== JSON.stringify(instrument);
      known.instrument = instrument;
      known.source = source;
      known.status = status;
      return { book: known, changed, statusChanged };
    }
    const book = this.createBook({
      instrument,
      source,
      status,
      quote: undefined,
      series: INTERVALS.map((interval) => new BarSeries(interval, this.historyBars, instrument.assetClass)),
    });
    this.symbols.set(listing.symbol, book);
    return { book, changed: true, statusChanged: true };
  }

  /** A new symbol's book, with whatever a subclass keeps per symbol besides. */
  protected abstract createBook(base: SymbolBook): Book;

  protected emit(change: MarketChange): void {
    this.lastPosition = change.position;
    for (const listener of this.listeners) listener(change);
  }

  protected emitStatus(book: SymbolBook): void {
    const entry = this.statusEntry(book);
    for (const listener of this.statusListeners) listener(entry);
  }

  /** The status clients are told: the market's, unless this copy knows better (see `MarketReplica`). */
  protected shownStatus(book: SymbolBook): SymbolStatus {
    return book.status;
  }

  private statusEntry(book: SymbolBook): StatusEntry {
    return [book.instrument.symbol, this.shownStatus(book), book.source, book.quote?.time ?? 0];
  }
}

export const BAR_FIELDS = 8;

/** Bars as flat numbers, `BAR_FIELDS` a bar. */
export function packBars(bars: readonly BarState[]): Float64Array {
  const packed = new Float64Array(bars.length * BAR_FIELDS);
  let at = 0;
  for (const bar of bars) {
    packed[at++] = bar.time;
    packed[at++] = bar.open;
    packed[at++] = bar.high;
    packed[at++] = bar.low;
    packed[at++] = bar.close;
    packed[at++] = bar.volume;
    packed[at++] = bar.openTime;
    packed[at++] = bar.closeTime;
  }
  return packed;
}

/** The trade numbers of bars, two a bar (`openId`, `closeId`, NaN for none); null when no bar has any. */
export function packTradeIds(bars: readonly BarState[]): Float64Array | null {
  if (!bars.some((bar) => bar.openId !== undefined || bar.closeId !== undefined)) return null;
  const packed = new Float64Array(bars.length * 2);
  bars.forEach((bar, i) => {
    packed[2 * i] = bar.openId ?? Number.NaN;
    packed[2 * i + 1] = bar.closeId ?? Number.NaN;
  });
  return packed;
}

const idOf = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? undefined : value);

/** The bar at `index` of packed bars, with its trade numbers from `tradeIds` (`packTradeIds`) where given. */
export function unpackBar(packed: Float64Array, index: number, tradeIds?: Float64Array | null): BarState {
  const at = index * BAR_FIELDS;
  return {
    time: packed[at],
    open: packed[at + 1],
    high: packed[at + 2],
    low: packed[at + 3],
    close: packed[at + 4],
    volume: packed[at + 5],
    openTime: packed[at + 6],
    closeTime: packed[at + 7],
    openId: idOf(tradeIds?.[2 * index]),
    closeId: idOf(tradeIds?.[2 * index + 1]),
  } as BarState;
}

/** What listing a symbol did: anything at all, and its status (a new symbol's counts as changed). */
interface Listed<Book extends SymbolBook> {
  book: Book;
  changed: boolean;
  statusChanged: boolean;
}

export function listingOf(state: SymbolBook): ListedInstrument {
  return { ...state.instrument, source: state.source, status: state.status };
}
