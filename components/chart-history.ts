import { fetchHistoryBars, HISTORY_PAGE_BARS } from '@tickerboard/client';
import type { Bar } from '../lib/candles';
import type { Instrument } from '../lib/instrument';
import type { Interval } from '../lib/intervals';
import type { UnixSeconds } from '../lib/nominal';
import { pageToken } from './auth-token';

export { HISTORY_PAGE_BARS };

/**
 * Up to a page of the bars of `instrument` at `interval` that start before `before`, ascending, in ticks and
 * lots like the store's (through the client library's `GET /api/candles`). Rejects on an HTTP error; an empty
 * result means there is no older history.
 */
export function fetchOlderBars(
  instrument: Instrument,
  interval: Interval,
  before: UnixSeconds,
  signal: AbortSignal,
): Promise<Bar[]> {
  return fetchHistoryBars(
    instrument,
    interval,
    { to: before, limit: HISTORY_PAGE_BARS },
    { base: '', token: pageToken(), signal },
  );
}
