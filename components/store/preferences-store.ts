import { createStore, type StoreApi } from 'zustand/vanilla';
import { createJSONStorage, persist, type StateStorage } from 'zustand/middleware';
import type { Alert } from '../../lib/alerts';
import { DEFAULT_COLUMNS, type BoardSort, type ColumnId } from '../../lib/board-columns';
import type { Interval } from '../../lib/intervals';
import { freeName, movedSymbol, withoutSymbol, withSymbol, type Watchlist } from '../../lib/watchlists';

export type Theme = 'system' | 'dark' | 'light';
export type ChartType = 'candles' | 'bars' | 'line' | 'area' | 'heikin-ashi';
export type PriceScale = 'normal' | 'log' | 'percent';
export type Overlay = 'sma' | 'ema' | 'vwap' | 'volume-ma';
export type TimeZoneChoice = 'local' | 'utc' | 'exchange';
export type Layout = 1 | 2 | 4;

/** One chart of the layout: what it shows and how. */
export interface ChartSlot {
  symbol: string | undefined;
  interval: Interval;
  type: ChartType;
  scale: PriceScale;
  overlays: readonly Overlay[];
}

export const DEFAULT_SYMBOLS = [
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
const DEFAULT_CHART_SYMBOLS = ['AAPL', 'BTC-USD', 'MSFT', 'EURUSD'];
export const MAX_CHARTS = 4;

export interface PreferencesState {
  lists: readonly Watchlist[];
  activeListId: string;
  /**
   * Symbols opened from a `?symbols=` link: while set, the board shows exactly these instead of the active list,
   * and offers to save them as a list. Never persisted.
   */
  linked: readonly string[] | undefined;
  columns: readonly ColumnId[];
  sort: BoardSort | undefined;
  theme: Theme;
  alerts: readonly Alert[];
  alertSound: boolean;
  layout: Layout;
  /** Always MAX_CHARTS slots; the layout shows the first `layout` of them. */
  charts: readonly ChartSlot[];
  /** The chart a click on a board row changes. */
  activeChart: number;
  timeZone: TimeZoneChoice;
  /** An alert being written in the Alerts panel, started from a row or a chart. Never persisted. */
  alertDraft: AlertDraft | undefined;
}

export type AlertDraft = Pick<Alert, 'symbol' | 'metric' | 'direction' | 'level'>;

export interface PreferencesActions {
  draftAlert(draft: AlertDraft | undefined): void;
  createList(name?: string): void;
  renameList(id: string, name: string): void;
  deleteList(id: string): void;
  switchList(id: string): void;
  addSymbol(symbol: string): void;
  removeSymbol(symbol: string): void;
  moveSymbol(symbol: string, index: number): void;
  openLink(symbols: readonly string[]): void;
  saveLink(): void;
  dismissLink(): void;
  setColumns(columns: readonly ColumnId[]): void;
  setSort(sort: BoardSort | undefined): void;
  setTheme(theme: Theme): void;
  addAlert(alert: Omit<Alert, 'id'>): string;
  updateAlert(id: string, patch: Partial<Omit<Alert, 'id'>>): void;
  removeAlert(id: string): void;
  setAlertSound(on: boolean): void;
  setLayout(layout: Layout): void;
  /** Shows `symbol` on the active chart. */
  showSymbol(symbol: string): void;
  setActiveChart(index: number): void;
  updateChart(index: number, patch: Partial<ChartSlot>): void;
  setTimeZone(zone: TimeZoneChoice): void;
}

export type Preferences = PreferencesState & PreferencesActions;
export type PreferencesStore = StoreApi<Preferences>;

/** The symbols the board shows: the linked ones while a link is open, else the active list's. */
export function boardSymbols(state: PreferencesState): readonly string[] {
  return state.linked ?? activeList(state)?.symbols ?? [];
}

export function activeList(state: PreferencesState): Watchlist | undefined {
  return state.lists.find((list) => list.id === state.activeListId) ?? state.lists[0];
}

/** The charts the layout shows. */
export function visibleCharts(state: PreferencesState): readonly ChartSlot[] {
  return state.charts.slice(0, state.layout);
}

let counter = 0;
/** Ids only need to be unique within one browser's preferences. */
function newId(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter.toString(36)}`;
}

function defaultCharts(): ChartSlot[] {
  return DEFAULT_CHART_SYMBOLS.map((symbol) => ({
    symbol,
    interval: '1m',
    type: 'candles',
    scale: 'normal',
    overlays: [],
  }));
}

export function defaultPreferences(): PreferencesState {
  return {
    lists: [{ id: 'default', name: 'Watchlist', symbols: DEFAULT_SYMBOLS }],
    activeListId: 'default',
    linked: undefined,
    columns: DEFAULT_COLUMNS,
    sort: undefined,
    theme: 'system',
    alerts: [],
    alertSound: false,
    layout: 1,
    charts: defaultCharts(),
    activeChart: 0,
    timeZone: 'local',
    alertDraft: undefined,
  };
}

export const PREFERENCES_KEY = 'tickerboard-preferences';

/**
 * The trader's preferences: watchlists, board columns and sort, theme, alerts, chart layout. One store per
 * page, persisted in localStorage (call `store.persist.rehydrate()` after mount); the live market data is in
 * the market store, which never persists.
 */
export function createPreferencesStore(
  initial?: Partial<PreferencesState>,
  storage: () => StateStorage = () => localStorage,
) {
  return createStore<Preferences>()(
    persist(
      (set, get) => {
        /** Applies `edit` to what the board shows: the linked symbols, or the active list. */
        const editBoard = (edit: (list: Watchlist) => Watchlist) => {
          const state = get();
          if (state.linked) {
            const edited = edit({ id: 'linked', name: 'linked', symbols: state.linked });
            if (edited.symbols !== state.linked) set({ linked: edited.symbols });
            return;
          }
          const current = activeList(state);
          if (!current) return;
          const edited = edit(current);
          if (edited !== current)
            set({ lists: state.lists.map((list) => (list.id === current.id ? edited : list)) });
        };
        const patchChart = (index: number, patch: Partial<ChartSlot>) =>
          set({ charts: get().charts.map((slot, i) => (i === index ? { ...slot, ...patch } : slot)) });
        /** After the board lost symbols, charts showing one of them move to the board's first. */
        const refocusCharts = () => {
          const symbols = boardSymbols(get());
          get().charts.forEach((slot, index) => {
            if (slot.symbol !== undefined && !symbols.includes(slot.symbol) && index === get().activeChart)
              patchChart(index, { symbol: symbols[0] });
          });
        };

        return {
          ...defaultPreferences(),
          ...initial,

          createList: (name) => {
            const id = newId('list');
            const lists = get().lists;
            set({
              lists: [...lists, { id, name: freeName(lists, name?.trim() || 'New list'), symbols: [] }],
              activeListId: id,
              linked: undefined,
            });
          },
          renameList: (id, name) => {
            const trimmed = name.trim();
            if (trimmed === '') return;
            set({ lists: get().lists.map((list) => (list.id === id ? { ...list, name: trimmed } : list)) });
          },
          deleteList: (id) => {
            const { lists, activeListId } = get();
            if (lists.length <= 1) return;
            const rest = lists.filter((list) => list.id !== id);
            set({
              lists: rest,
              activeListId: activeListId === id ? (rest[0]?.id ?? '') : activeListId,
            });
            refocusCharts();
          },
          switchList: (id) => {
            if (!get().lists.some((list) => list.id === id)) return;
            set({ activeListId: id, linked: undefined });
            const first = boardSymbols(get())[0];
            if (first !== undefined) patchChart(get().activeChart, { symbol: first });
          },
          addSymbol: (symbol) => {
            editBoard((list) => withSymbol(list, symbol));
            const { charts, activeChart } = get();
            if (charts[activeChart]?.symbol === undefined) patchChart(activeChart, { symbol });
          },
          removeSymbol: (symbol) => {
            editBoard((list) => withoutSymbol(list, symbol));
            refocusCharts();
          },
          moveSymbol: (symbol, index) => editBoard((list) => movedSymbol(list, symbol, index)),
          openLink: (symbols) => {
            set({ linked: symbols });
            const first = symbols[0];
            if (first !== undefined) patchChart(get().activeChart, { symbol: first });
          },
          saveLink: () => {
            const { linked, lists } = get();
            if (!linked) return;
            const id = newId('list');
            set({
              lists: [...lists, { id, name: freeName(lists, 'Shared list'), symbols: linked }],
              activeListId: id,
              linked: undefined,
            });
          },
          dismissLink: () => {
            set({ linked: undefined });
            refocusCharts();
          },
          setColumns: (columns) => set({ columns }),
          setSort: (sort) => set({ sort }),
          setTheme: (theme) => set({ theme }),
          addAlert: (alert) => {
            const id = newId('alert');
            set({ alerts: [...get().alerts, { ...alert, id }] });
            return id;
          },
          updateAlert: (id, patch) =>
            set({ alerts: get().alerts.map((alert) => (alert.id === id ? { ...alert, ...patch } : alert)) }),
          removeAlert: (id) => set({ alerts: get().alerts.filter((alert) => alert.id !== id) }),
          setAlertSound: (alertSound) => set({ alertSound }),
          setLayout: (layout) =>
            set({ layout, activeChart: get().activeChart < layout ? get().activeChart : 0 }),
          showSymbol: (symbol) => patchChart(get().activeChart, { symbol }),
          setActiveChart: (index) => {
            if (index >= 0 && index < get().layout) set({ activeChart: index });
          },
          updateChart: patchChart,
          setTimeZone: (timeZone) => set({ timeZone }),
          draftAlert: (alertDraft) => set({ alertDraft }),
        };
      },
      {
        name: PREFERENCES_KEY,
        version: 1,
        storage: createJSONStorage(storage),
        partialize: ({ linked: _linked, alertDraft: _draft, ...rest }) =>
          Object.fromEntries(Object.entries(rest).filter(([, value]) => typeof value !== 'function')),
        skipHydration: true,
      },
    ),
  );
}
