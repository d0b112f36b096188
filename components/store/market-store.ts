import { createStore, type StoreApi } from 'zustand/vanilla';
import { createJSONStorage, persist, type StateStorage } from 'zustand/middleware';
import type { Bar } from '../../lib/candles';
import { mergeBars, prependBars, type ChartBars } from '../../lib/chart-bars';
import type { Instrument } from '../../lib/instrument';
import type { Interval } from '../../lib/intervals';
import type { StatusEntry, SymbolStatus } from '../../lib/protocol';
import { removeSymbols, type BookEntry, type QuoteBook } from '../../lib/quote-book';

/**
 * `outdated`: the server speaks another protocol version than this page (it was deployed since the page loaded);
 * the page stops reconnecting and asks to be reloaded.
 */
/** `unauthorized`: the server requires a token and refused the page's (none, forged or expired). */
export type ConnectionStatus =
  'connecting' | 'live' | 'reconnecting' | 'offline' | 'outdated' | 'unauthorized';

export const DEFAULT_WATCHLIST = [
  'AAPL',
  'MSFT',
  'NVDA',
  'TSLA',
  'SPY',
  'BTC-USD',
  'ETH-USD',
  'EURUSD',
  'USDJPY',
];

/** Where a symbol's prices come from and whether they are current (the server's `status` event). */
export interface SymbolFeedState {
  status: SymbolStatus;
  source: string;
  /** Unix ms of its last market event; 0 before any. */
  time: number;
}

export interface MarketState {
  status: ConnectionStatus;
  /** Per symbol, its source and status, from GET /api/symbols and the `status` event. */
  feeds: Readonly<Record<string, SymbolFeedState>>;
  /** Instruments by symbol, from GET /api/symbols. */
  instruments: Readonly<Record<string, Instrument>>;
  watchlist: readonly string[];
  selected: string | undefined;
  interval: Interval;
  /** The server's quotes as this client mirrors them. */
  book: QuoteBook;
  /** The selected chart's bars; undefined until its stream is subscribed. */
  chart: ChartBars | undefined;
  /** Bars the last frame changed, for `series.update`. */
  chartChanged: readonly Bar[];
  /** Grows whenever the chart's bars are replaced wholesale rather than updated (new stream, older history). */
  chartRevision: number;
  /** The server's clock minus this browser's, from its hello: sessions are read at the server's time. */
  serverOffsetMs: number;
}

export interface MarketActions {
  setStatus(status: ConnectionStatus): void;
  setServerTime(serverTime: number): void;
  setInstruments(instruments: readonly Instrument[]): void;
  applyStatus(entries: readonly StatusEntry[]): void;
  addSymbol(symbol: string): void;
  removeSymbol(symbol: string): void;
  select(symbol: string): void;
  setInterval(interval: Interval): void;
  /** Quotes as the feed connection's subscriptions hold them; symbols no longer listed are ignored. */
  putQuotes(entries: Readonly<Record<string, BookEntry>>): void;
  /** Replaces the chart's bars wholesale (a new stream, a resync), if it is the selected symbol's and interval's. */
  showChart(chart: ChartBars): void;
  /** Puts bars that changed into the chart's (keeping the history put in front of them). */
  updateChart(symbol: string, interval: Interval, changed: readonly Bar[]): void;
  /** Puts older bars in front of the chart's, if the chart still shows that stream. */
  prependChart(symbol: string, interval: Interval, older: readonly Bar[]): void;
}

export type MarketStore = StoreApi<MarketState & MarketActions>;

/**
 * `persist` saves after every `set`, several times a second here; only the watchlist, selection and interval are
 * saved, and they rarely change, so skip the write when the text is what was last written.
 */
function writeOnChange(storage: StateStorage): StateStorage {
  const written = new Map<string, string>();
  return {
    getItem: (name) => storage.getItem(name),
    setItem: (name, value) => {
      if (written.get(name) === value) return;
      written.set(name, value);
      storage.setItem(name, value);
    },
    removeItem: (name) => {
      written.delete(name);
      storage.removeItem(name);
    },
  };
}

const PERSIST_KEY = 'tickerboard';

/**
 * A store per page (the zustand pattern for Next.js: no module-level store). The watchlist, the selected symbol
 * and the interval persist in localStorage; call `store.persist.rehydrate()` after mount.
 */
export function createMarketStore(initial?: Partial<MarketState>) {
  return createStore<MarketState & MarketActions>()(
    persist(
      (set, get) => ({
        status: 'connecting',
        feeds: {},
        instruments: {},
        watchlist: DEFAULT_WATCHLIST,
        selected: DEFAULT_WATCHLIST[0],
        interval: '1m',
        book: {},
        chart: undefined,
        chartChanged: [],
        chartRevision: 0,
        serverOffsetMs: 0,
        ...initial,

        setStatus: (status) => set({ status }),
        setServerTime: (serverTime) => set({ serverOffsetMs: serverTime - Date.now() }),
        setInstruments: (list) => set({ instruments: Object.fromEntries(list.map((i) => [i.symbol, i])) }),
        applyStatus: (entries) => {
          const feeds = { ...get().feeds };
          for (const [symbol, status, source, time] of entries) feeds[symbol] = { status, source, time };
          set({ feeds });
        },
        addSymbol: (symbol) => {
          const { watchlist, selected } = get();
          if (watchlist.includes(symbol)) return;
          set({ watchlist: [...watchlist, symbol], selected: selected ?? symbol });
        },
        removeSymbol: (symbol) => {
          const { watchlist, selected, book } = get();
          const next = watchlist.filter((s) => s !== symbol);
          set({
            watchlist: next,
            book: removeSymbols(book, [symbol]),
            selected: selected === symbol ? next[0] : selected,
          });
        },
        select: (symbol) => set({ selected: symbol }),
        setInterval: (interval) => set({ interval }),
        putQuotes: (entries) => {
          const held = new Set(get().watchlist);
          const fresh = Object.entries(entries).filter(([symbol]) => held.has(symbol));
          if (fresh.length > 0) set({ book: { ...get().book, ...Object.fromEntries(fresh) } });
        },
        showChart: (chart) => {
          const { selected, interval, chartRevision } = get();
          if (chart.symbol !== selected || chart.interval !== interval) return;
          set({ chart, chartChanged: [], chartRevision: chartRevision + 1 });
        },
        updateChart: (symbol, interval, changed) => {
          const { chart } = get();
          if (chart?.symbol !== symbol || chart.interval !== interval || changed.length === 0) return;
          set({ chart: { ...chart, bars: mergeBars(chart.bars, changed) }, chartChanged: changed });
        },
        prependChart: (symbol, interval, older) => {
          const { chart, chartRevision } = get();
          if (chart?.symbol !== symbol || chart.interval !== interval) return;
          const next = prependBars(chart, older);
          if (next !== chart) set({ chart: next, chartChanged: [], chartRevision: chartRevision + 1 });
        },
      }),
      {
        name: PERSIST_KEY,
        version: 1,
        storage: createJSONStorage(() => writeOnChange(localStorage)),
        partialize: ({ watchlist, selected, interval }) => ({ watchlist, selected, interval }),
        skipHydration: true,
      },
    ),
  );
}
