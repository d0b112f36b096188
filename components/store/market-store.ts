import { createStore, type StoreApi } from 'zustand/vanilla';
import { createJSONStorage, persist, type StateStorage } from 'zustand/middleware';
import type { Bar } from '../../lib/candles';
import { applyCandleEntry, chartFromAck, prependBars, type ChartBars } from '../../lib/chart-bars';
import type { Instrument } from '../../lib/instrument';
import type { Interval } from '../../lib/intervals';
import type { CandlesSubscribed, Frame, QuoteEntry } from '../../lib/protocol';
import { applyDeltas, applySnapshot, removeSymbols, type QuoteBook } from '../../lib/quote-book';

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

export interface MarketState {
  status: ConnectionStatus;
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
}

export interface MarketActions {
  setStatus(status: ConnectionStatus): void;
  setInstruments(instruments: readonly Instrument[]): void;
  addSymbol(symbol: string): void;
  removeSymbol(symbol: string): void;
  select(symbol: string): void;
  setInterval(interval: Interval): void;
  applySnapshots(entries: readonly QuoteEntry[]): void;
  /** Applies a frame; returns the symbols and whether the chart missed an update and need a resync. */
  applyFrame(frame: Frame): { quoteGaps: string[]; chartGap: boolean };
  setChart(ack: CandlesSubscribed): void;
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
        instruments: {},
        watchlist: DEFAULT_WATCHLIST,
        selected: DEFAULT_WATCHLIST[0],
        interval: '1m',
        book: {},
        chart: undefined,
        chartChanged: [],
        chartRevision: 0,
        ...initial,

        setStatus: (status) => set({ status }),
        setInstruments: (list) => set({ instruments: Object.fromEntries(list.map((i) => [i.symbol, i])) }),
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
        applySnapshots: (entries) => {
          const held = new Set(get().watchlist);
          let book = get().book;
          for (const entry of entries) if (held.has(entry[0])) book = applySnapshot(book, entry);
          set({ book });
        },
        applyFrame: (frame) => {
          const state = get();
          const quotes = frame.q ? applyDeltas(state.book, frame.q) : { book: state.book, gaps: [] };
          let chart = state.chart;
          let chartChanged: Bar[] = [];
          let chartGap = false;
          for (const entry of frame.c ?? []) {
            if (!chart) break;
            const update = applyCandleEntry(chart, entry);
            chart = update.chart;
            chartChanged = chartChanged.concat(update.changed);
            chartGap ||= update.gap;
          }
          const patch: Partial<MarketState> = {};
          if (quotes.book !== state.book) patch.book = quotes.book;
          if (chart !== state.chart) Object.assign(patch, { chart, chartChanged });
          if (Object.keys(patch).length > 0) set(patch);
          return { quoteGaps: quotes.gaps, chartGap };
        },
        setChart: (ack) => {
          const { selected, interval, chartRevision } = get();
          if (ack.symbol !== selected || ack.interval !== interval) return;
          set({ chart: chartFromAck(ack), chartChanged: [], chartRevision: chartRevision + 1 });
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
