import type { ApiBar } from './protocol';

/** The header row of a bars CSV; one column per `ApiBar` field, in this order. */
export const BAR_CSV_COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

/** One CSV line of a bar (no line ending). Numbers need no quoting. */
export function barCsvRow(bar: ApiBar): string {
  return BAR_CSV_COLUMNS.map((column) => String(bar[column])).join(',');
}

/** Bars as CSV: the header row, then one row per bar, each line ending in CRLF (RFC 4180). */
export function barsToCsv(bars: readonly ApiBar[]): string {
  return [BAR_CSV_COLUMNS.join(','), ...bars.map(barCsvRow)].map((line) => `${line}\r\n`).join('');
}
