import type { Bar } from '../../lib/candles';
import { barFromDecimal } from '../../lib/decimals';
import type { Instrument } from '../../lib/instrument';
import type { Interval } from '../../lib/intervals';
import type { ApiBar, CandlesResponse, QuotesResponse, SparklinesResponse } from '../../lib/protocol';
import { TickerboardError } from './errors';

/** Where the HTTP API is and how to ask it. `base` is an origin (`http://host:3000`), or '' for the page's own. */
export interface HttpOptions {
  base: string;
  token?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** Bars asked for per request when paging through history; the server's default page. */
export const HISTORY_PAGE_BARS = 500;

interface ErrorBody {
  error?: { code?: string; message?: string; parameter?: string; symbols?: string[] };
}

/** GETs a path of the API, rejecting with a TickerboardError that says what went wrong. */
export async function getJson<T>(path: string, options: HttpOptions): Promise<T> {
  const response = await getResponse(path, options);
  return (await response.json()) as T;
}

/** GETs a path of the API as a Response, rejecting on anything but 2xx. */
export async function getResponse(path: string, { base, token, signal }: HttpOptions): Promise<Response> {
  const url = `${base.replace(/\/$/, '')}${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      ...(signal ? { signal } : {}),
      ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    const cause =
      error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : '';
    throw new TickerboardError(
      'UNREACHABLE',
      `cannot reach ${base || 'the server'}${cause ? ` (${cause})` : ''}`,
    );
  }
  if (response.ok) return response;
  const body = (await response.json().catch(() => ({}))) as ErrorBody;
  const message = body.error?.message ?? `GET ${path} answered ${response.status}`;
  if (response.status === 401 || response.status === 403) throw new TickerboardError('UNAUTHORIZED', message);
  if (body.error?.code === 'UNKNOWN_SYMBOL') {
    throw new TickerboardError('UNKNOWN_SYMBOL', message, body.error.symbols ?? []);
  }
  throw new TickerboardError('HTTP', message);
}

export async function fetchInstruments(options: HttpOptions): Promise<Instrument[]> {
  return (await getJson<{ symbols: Instrument[] }>('/api/symbols', options)).symbols;
}

/** `GET /api/quotes`: the current quotes of `symbols` in decimals, with each one's status. */
export async function fetchQuotes(symbols: readonly string[], options: HttpOptions): Promise<QuotesResponse> {
  const query = new URLSearchParams({ symbols: symbols.join(',') });
  return getJson<QuotesResponse>(`/api/quotes?${query}`, options);
}

/**
 * `GET /api/sparklines`: the intraday series of `symbols` (the closes of the day's session's 5m bars, at most 64
 * each, in decimals), in one request; at most 50 symbols.
 */
export async function fetchSparklines(
  symbols: readonly string[],
  options: HttpOptions,
): Promise<SparklinesResponse> {
  const query = new URLSearchParams({ symbols: symbols.join(',') });
  return getJson<SparklinesResponse>(`/api/sparklines?${query}`, options);
}

export interface CandlePage {
  /** Bars starting before this time, unix seconds (exclusive); the newest otherwise. */
  before?: number | undefined;
  limit?: number | undefined;
}

/** One request of `GET /api/candles`: up to `limit` bars, ascending, in decimals. */
export async function fetchCandles(
  symbol: string,
  interval: Interval,
  page: CandlePage,
  options: HttpOptions,
): Promise<ApiBar[]> {
  const query = new URLSearchParams({ symbol, interval });
  if (page.limit !== undefined) query.set('limit', String(page.limit));
  if (page.before !== undefined) query.set('before', String(page.before));
  return (await getJson<CandlesResponse>(`/api/candles?${query}`, options)).bars;
}

export interface HistoryRange {
  /** The first bar's time at the earliest, unix seconds (inclusive). */
  from?: number | undefined;
  /** Bars starting before this, unix seconds (exclusive); up to the newest otherwise. */
  to?: number | undefined;
  /** At most this many bars, the newest of the range. */
  limit?: number | undefined;
  pageBars?: number | undefined;
}

/**
 * Bars of a range, ascending, in decimals, paged backwards through `GET /api/candles` as far as needed: up to
 * `limit` (all of the range when absent, as far as the server's history goes).
 */
export async function fetchHistory(
  symbol: string,
  interval: Interval,
  range: HistoryRange,
  options: HttpOptions,
): Promise<ApiBar[]> {
  const pageBars = range.pageBars ?? HISTORY_PAGE_BARS;
  const pages: ApiBar[][] = [];
  let count = 0;
  let before = range.to;
  for (;;) {
    const wanted = range.limit === undefined ? pageBars : Math.min(pageBars, range.limit - count);
    if (wanted <= 0) break;
    const page = await fetchCandles(symbol, interval, { before, limit: wanted }, options);
    const kept = range.from === undefined ? page : page.filter((bar) => bar.time >= (range.from as number));
    pages.unshift(kept);
    count += kept.length;
    const first = page[0];
    if (!first || kept.length < page.length || page.length < wanted) break;
    before = first.time;
  }
  return pages.flat();
}

/** `fetchHistory` in ticks and lots. */
export async function fetchHistoryBars(
  instrument: Instrument,
  interval: Interval,
  range: HistoryRange,
  options: HttpOptions,
): Promise<Bar[]> {
  const bars = await fetchHistory(instrument.symbol, interval, range, options);
  return bars.map((bar) => barFromDecimal(bar, instrument));
}
