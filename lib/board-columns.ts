import { toPrice, toQuantity, type Instrument } from './instrument';
import { quoteChangePercent, type Quote } from './quote';

/** The quote board's data columns, in their default order. The symbol column is always first. */
export const COLUMNS = [
  'last',
  'change',
  'changePercent',
  'bid',
  'ask',
  'spread',
  'volume',
  'range',
  'trend',
] as const;
export type ColumnId = (typeof COLUMNS)[number];

export const COLUMN_LABELS: Readonly<Record<ColumnId, string>> = {
  last: 'Last',
  change: 'Change',
  changePercent: 'Change %',
  bid: 'Bid',
  ask: 'Ask',
  spread: 'Spread',
  volume: 'Volume',
  range: 'Day range',
  trend: 'Trend',
};

/** Shown by default: every column, in the order of `COLUMNS`. */
export const DEFAULT_COLUMNS: readonly ColumnId[] = COLUMNS;

/** Columns drawn rather than written as a figure: the day range's bar and the sparkline. */
export function isDrawn(column: ColumnId): boolean {
  return column === 'range' || column === 'trend';
}

export function isColumn(value: unknown): value is ColumnId {
  return typeof value === 'string' && (COLUMNS as readonly string[]).includes(value);
}

/** A sorted board re-sorts this often at most, so rows do not jump on every tick. */
export const RESORT_MS = 1000;

export type SortKey = 'symbol' | Exclude<ColumnId, 'trend'>;
export type SortDirection = 'ascending' | 'descending';
export interface BoardSort {
  key: SortKey;
  direction: SortDirection;
}

/** Columns a header click sorts by; the sparkline has no single value to order by. */
export function isSortable(column: ColumnId | 'symbol'): column is SortKey {
  return column !== 'trend';
}

/**
 * The number a column sorts by, comparable across instruments: decimal prices and quantities, the spread as a
 * share of the mid price and the day range as a share of the low. Undefined while the symbol has no quote.
 */
export function sortValue(key: Exclude<SortKey, 'symbol'>, quote: Quote, instrument: Instrument): number {
  switch (key) {
    case 'last':
      return toPrice(quote.last, instrument);
    case 'change':
      return toPrice((quote.last - quote.prevClose) as Quote['last'], instrument);
    case 'changePercent':
      return quoteChangePercent(quote);
    case 'bid':
      return toPrice(quote.bid, instrument);
    case 'ask':
      return toPrice(quote.ask, instrument);
    case 'spread': {
      const mid = (quote.ask + quote.bid) / 2;
      return mid === 0 ? 0 : (quote.ask - quote.bid) / mid;
    }
    case 'volume':
      return toQuantity(quote.volume, instrument);
    case 'range':
      return quote.low === 0 ? 0 : (quote.high - quote.low) / quote.low;
  }
}

export interface SortInput {
  quote: Quote | undefined;
  instrument: Instrument | undefined;
}

/**
 * `symbols` ordered by `sort`. Stable: equal values keep the list's order, and symbols without a quote yet go
 * last in the list's order whichever the direction, so a half-loaded board does not shuffle.
 */
export function sortSymbols(
  symbols: readonly string[],
  sort: BoardSort | undefined,
  lookup: (symbol: string) => SortInput,
): string[] {
  if (!sort) return symbols.slice();
  const sign = sort.direction === 'ascending' ? 1 : -1;
  const keyed = symbols.map((symbol, index) => {
    const { quote, instrument } = lookup(symbol);
    const value =
      sort.key === 'symbol'
        ? symbol
        : quote && instrument
          ? sortValue(sort.key, quote, instrument)
          : undefined;
    return { symbol, index, value };
  });
  keyed.sort((a, b) => {
    if (a.value === undefined || b.value === undefined) {
      if (a.value === b.value) return a.index - b.index;
      return a.value === undefined ? 1 : -1;
    }
    const order =
      typeof a.value === 'string' || typeof b.value === 'string'
        ? String(a.value).localeCompare(String(b.value))
        : a.value - b.value;
    return order === 0 ? a.index - b.index : sign * order;
  });
  return keyed.map((k) => k.symbol);
}

/**
 * The sort after a click on `key`'s header: numbers first descending (the biggest movers on top), symbols first
 * ascending; a second click flips it, a third goes back to the list's own order.
 */
export function nextSort(current: BoardSort | undefined, key: SortKey): BoardSort | undefined {
  if (current?.key !== key) return { key, direction: key === 'symbol' ? 'ascending' : 'descending' };
  const first = key === 'symbol' ? 'ascending' : 'descending';
  return current.direction === first
    ? { key, direction: first === 'ascending' ? 'descending' : 'ascending' }
    : undefined;
}
