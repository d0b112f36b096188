import { NO_PRICE, type LiveQuote, type SubscriptionState } from '@tickerboard/client';

/** ANSI escapes for the table; all empty with `NO_COLOR`. */
export interface Palette {
  up: string;
  down: string;
  dim: string;
  bold: string;
  reset: string;
}

export const COLOURS: Palette = {
  up: '\x1b[32m',
  down: '\x1b[31m',
  dim: '\x1b[2m',
  bold: '\x1b[1m',
  reset: '\x1b[0m',
};
export const NO_COLOURS: Palette = { up: '', down: '', dim: '', bold: '', reset: '' };

export interface Row {
  symbol: string;
  quote: LiveQuote | undefined;
  /** Which way `last` moved at its latest change. */
  direction: 'up' | 'down' | undefined;
}

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 2 });
const HEADER = ['SYMBOL', '', 'LAST', 'CHG %', 'BID', 'ASK', 'VOLUME', 'STATUS'];
const WIDTHS = [10, 1, 14, 9, 14, 14, 10, 7];

function cell(text: string, i: number): string {
  const width = WIDTHS[i] ?? 10;
  return i === 0 ? text.padEnd(width) : text.padStart(width);
}

/** The lines of the watch table: a header, one line per symbol, then a status line. */
export function renderTable(rows: readonly Row[], status: string, colours: Palette): string[] {
  const header = `${colours.bold}${HEADER.map(cell).join(' ')}${colours.reset}`;
  const lines = rows.map(({ symbol, quote, direction }) => {
    if (!quote) return `${colours.dim}${cell(symbol, 0)} ${'…'.padStart(WIDTHS[1] ?? 1)}${colours.reset}`;
    const price = (value: number) => value.toFixed(quote.instrument.precision);
    // A source without a book (trades only) sends no bid or ask: 0 ticks, shown as a dash, never as a price.
    const side = (value: number, ticks: number) => (ticks === NO_PRICE ? '—' : price(value));
    const colour = direction === 'up' ? colours.up : direction === 'down' ? colours.down : '';
    const trend = quote.change > 0 ? colours.up : quote.change < 0 ? colours.down : '';
    const percent = `${quote.changePercent > 0 ? '+' : ''}${quote.changePercent.toFixed(2)}%`;
    const cells = [
      cell(symbol, 0),
      `${colour}${cell(direction === 'up' ? '▲' : direction === 'down' ? '▼' : ' ', 1)}`,
      `${cell(price(quote.last), 2)}${colours.reset}`,
      `${trend}${cell(percent, 3)}${colours.reset}`,
      cell(side(quote.bid, quote.ticks.bid), 4),
      cell(side(quote.ask, quote.ticks.ask), 5),
      cell(compact.format(quote.volume), 6),
      `${quote.status === 'live' ? '' : colours.dim}${cell(quote.status ?? '', 7)}${colours.reset}`,
    ];
    const line = cells.join(' ');
    return quote.stale || quote.status === 'stale' ? `${colours.dim}${line}${colours.reset}` : line;
  });
  return [header, ...lines, `${colours.dim}${status} · q quits${colours.reset}`];
}

/** The word for a subscription's state in the status line. */
export function describeState(state: SubscriptionState, connection: string): string {
  return connection === 'connected' ? state : connection;
}
