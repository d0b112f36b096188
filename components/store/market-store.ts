import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Bar } from '../../lib/candles';
import {
  mergeBars,
  prependBars,
  replaceBarsFrom,
  streamKey,
  trimBars,
  type ChartBars,
  type StreamKey,
} from '../../lib/chart-bars';
import type { Instrument } from '../../lib/instrument';
import type { Interval } from '../../lib/intervals';
import type { Ticks, UnixSeconds } from '../../lib/nominal';
import type { CandleStreamRef, StatusEntry, SymbolStatus } from '../../lib/protocol';
import { removeSymbols, type BookEntry, type QuoteBook } from '../../lib/quote-book';
import { DEFAULT_SYMBOLS } from './preferences-store';

/**
 * `outdated`: the server speaks another protocol version than this page (it was deployed since the page loaded);
 * the page stops reconnecting and asks to be reloaded. `unauthorized`: the server requires a token and refused the page's (none, forged or expired). */
export type ConnectionStatus =
  'connecting' | 'live' | 'reconnecting' | 'offline' | 'outdated' | 'unauthorized';

/** One candle stream as the store holds it. */
export interface ChartState {
  bars: ChartBars;
  /** Bars the last frame changed, for `series.update`. */
  changed: readonly Bar[];
  /** Grows whenever the bars are replaced wholesale rather than updated (a new subscription, older history). */
  revision: number;
  /** Times the stream was subscribed again after the first time (a missed update, a reconnect). */
  resyncs: number;
}

export interface MarketState {
  status: ConnectionStatus;
  /** Instruments by symbol, from GET /api/symbols. */
  instruments: Readonly<Record<string, Instrument>>;
  /** The symbols the views want quotes of (the board's), copied from the preferences. */
  watchlist: readonly string[];
  /** The symbol of the chart a board row click changes, for the board's highlight and the details. */
  selected: string | undefined;
  /** The candle streams the views want, one per distinct chart, copied from the preferences. */
  chartStreams: readonly CandleStreamRef[];
  /** The server's quotes as this client mirrors them. */
  book: QuoteBook;
  /** The bars of each wanted stream whose subscription has been acknowledged, by stream key. */
  charts: Readonly<Record<StreamKey, ChartState>>;
  /** Per symbol, its source and status, from GET /api/symbols and the `status` event. */
  feeds: Readonly<Record<string, SymbolFeedState>>;
  /** The server's clock minus this browser's, from its hello: sessions are read at the server's time. */
  serverOffsetMs: number;
  /**
   * Per board symbol, its trading day's series so far (GET /api/sparklines), for the sparkline; the live quotes
   * extend it from there, and it starts again empty when the symbol's next trading day begins.
   */
  intraday: Readonly<Record<string, IntradaySeries>>;
}

/** A symbol's intraday series as the board holds it. */
export interface IntradaySeries {
  /** The trading day, 00:00 UTC of its date (unix seconds); null before the symbol has one. */
  day: UnixSeconds | null;
  /** The closes of its 5m bars so far, in ticks, oldest first. */
  closes: readonly Ticks[];
}

/** Where a symbol's prices come from and whether they are current (the server's `status` event). */
export interface SymbolFeedState {
  status: SymbolStatus;
  source: string;
  /** Unix ms of its last market event; 0 before any. */
  time: number;
}

export interface MarketActions {
  setStatus(status: ConnectionStatus): void;
  /** The instruments of GET /api/symbols; where they carry a status and source, those too. */
  setInstruments(instruments: readonly (Instrument & Partial<Omit<SymbolFeedState, 'time'>>)[]): void;
  applyStatus(entries: readonly StatusEntry[]): void;
  /** Drops a symbol the server refused (it does not list it). */
  removeSymbol(symbol: string): void;
  setServerTime(serverTime: number): void;
  /** Intraday series that arrived; symbols the board no longer shows are ignored, and dropped. */
  putIntraday(series: Readonly<Record<string, IntradaySeries>>): void;
  /** Quotes as the feed connection's subscriptions hold them; symbols no longer listed are ignored. */
  putQuotes(entries: Readonly<Record<string, BookEntry>>): void;
  /** Replaces a stream's bars wholesale (a new subscription, a resync), if a chart still wants the stream. */
  showChart(chart: ChartBars): void;
  /**
   * Puts bars that changed into a stream's (keeping the history put in front of them); one older than its first
   * bar is left to the history pager.
   */
  updateChart(symbol: string, interval: Interval, changed: readonly Bar[]): void;
  /**
   * A reset of a stream from `since` on: its bars from there are replaced by `bars` (the held ones the server no
   * longer has go); older history put in front stays, unless `since` is before it.
   */
  resetChart(symbol: string, interval: Interval, since: number, bars: readonly Bar[]): void;
  /** Puts older bars in front of a stream's, if it is still held. */
  prependChart(symbol: string, interval: Interval, older: readonly Bar[]): void;
  /** Drops a stream's oldest bars past `keep` (a chart following the newest bar gives back what it scrolled past). */
  trimChart(symbol: string, interval: Interval, keep: number): void;
}

export type MarketStore = StoreApi<MarketState & MarketActions>;

/** The stream of `symbol` at `interval`, as held by the store, or undefined. */
export function chartOf(
  state: MarketState,
  symbol: string | undefined,
  interval: Interval,
): ChartState | undefined {
  return symbol === undefined ? undefined : state.charts[streamKey({ symbol, interval })];
}

/**
 * The live market data of one page (the zustand pattern for Next.js: no module-level store). Nothing here
 * persists: `watchlist`, `selected` and `chartStreams` are what the views want held, copied from the preferences
 * store (see preferences-bridge.ts).
 */
export function createMarketStore(initial?: Partial<MarketState>) {
  return createStore<MarketState & MarketActions>()((set, get) => {
    /** A held stream's bars replaced by `next` of them, wholesale (a new revision) when they differ. */
    const replaceBars = (symbol: string, interval: Interval, next: (held: ChartBars) => ChartBars) => {
      const { charts } = get();
      const key = streamKey({ symbol, interval });
      const held = charts[key];
      if (!held) return;
      const bars = next(held.bars);
      if (bars !== held.bars)
        set({ charts: { ...charts, [key]: { ...held, bars, changed: [], revision: held.revision + 1 } } });
    };
    return {
      status: 'connecting',
      instruments: {},
      watchlist: DEFAULT_SYMBOLS,
      selected: DEFAULT_SYMBOLS[0],
      chartStreams: [{ symbol: 'AAPL', interval: '1m' }],
      book: {},
      charts: {},
      serverOffsetMs: 0,
      intraday: {},
      ...initial,

      setStatus: (status) => set({ status }),
      feeds: {},
      setInstruments: (list) => {
        const feeds = { ...get().feeds };
        for (const { symbol, status, source } of list)
          if (status && source && !feeds[symbol]) feeds[symbol] = { status, source, time: 0 };
        set({ instruments: Object.fromEntries(list.map((i) => [i.symbol, i])), feeds });
      },
      applyStatus: (entries) => {
        if (entries.length === 0) return;
        const feeds = { ...get().feeds };
        for (const [symbol, status, source, time] of entries) feeds[symbol] = { status, source, time };
        set({ feeds });
      },
      removeSymbol: (symbol) => {
        const { watchlist, book } = get();
        set({ watchlist: watchlist.filter((s) => s !== symbol), book: removeSymbols(book, [symbol]) });
      },
      putIntraday: (series) => {
        const { watchlist, intraday } = get();
        const held = new Set(watchlist);
        const kept = Object.entries({ ...intraday, ...series }).filter(([symbol]) => held.has(symbol));
        set({ intraday: Object.fromEntries(kept) });
      },
      setServerTime: (serverTime) => set({ serverOffsetMs: serverTime - Date.now() }),
      putQuotes: (entries) => {
        const held = new Set(get().watchlist);
        const fresh = Object.entries(entries).filter(([symbol]) => held.has(symbol));
        if (fresh.length > 0) set({ book: { ...get().book, ...Object.fromEntries(fresh) } });
      },
      showChart: (bars) => {
        const { chartStreams, charts } = get();
        if (!chartStreams.some((s) => s.symbol === bars.symbol && s.interval === bars.interval)) return;
        const key = streamKey(bars);
        const held = charts[key];
        set({
          charts: {
            ...charts,
            [key]: {
              bars,
              changed: [],
              revision: (held?.revision ?? 0) + 1,
              resyncs: held ? held.resyncs + 1 : 0,
            },
          },
        });
      },
      updateChart: (symbol, interval, changed) => {
        const { charts } = get();
        const key = streamKey({ symbol, interval });
        const held = charts[key];
        // A bar older than the first held (dropped, or never loaded) is the history pager's to bring: put in
        // front it would stand next to bars it is not next to.
        const first = held?.bars.bars[0];
        const fresh = first ? changed.filter((bar) => bar.time >= first.time) : changed;
        if (!held || fresh.length === 0) return;
        const bars = { ...held.bars, bars: mergeBars(held.bars.bars, fresh), stale: false };
        set({ charts: { ...charts, [key]: { ...held, bars, changed: fresh } } });
      },
      resetChart: (symbol, interval, since, replacement) =>
        replaceBars(symbol, interval, (held) => ({
          ...held,
          bars: replaceBarsFrom(held.bars, since, replacement),
          stale: false,
        })),
      prependChart: (symbol, interval, older) =>
        replaceBars(symbol, interval, (held) => prependBars(held, older)),
      trimChart: (symbol, interval, keep) => replaceBars(symbol, interval, (held) => trimBars(held, keep)),
    };
  });
}

/** The store without the streams no longer wanted. */
export function keepWantedCharts(
  charts: Readonly<Record<StreamKey, ChartState>>,
  wanted: readonly CandleStreamRef[],
): Readonly<Record<StreamKey, ChartState>> {
  const keys = new Set(wanted.map(streamKey));
  const kept = Object.entries(charts).filter(([key]) => keys.has(key as StreamKey));
  return kept.length === Object.keys(charts).length ? charts : Object.fromEntries(kept);
}
