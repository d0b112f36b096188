import type { ApiBar } from '../lib/protocol';
import { authHeaders } from './auth-token';
import type { Bar } from '../lib/candles';
import { toLots, toTicks, type Instrument } from '../lib/instrument';
import type { Interval } from '../lib/intervals';
import type { UnixSeconds } from '../lib/nominal';

/** Bars asked for per page of history. */
export const HISTORY_PAGE_BARS = 500;

/**
 * Up to a page of the bars of `instrument` at `interval` that start before `before`, ascending, in ticks and
 * lots like the store's. Rejects on an HTTP error; an empty result means there is no older history.
 */
export async function fetchOlderBars(
  instrument: Instrument,
  interval: Interval,
  before: UnixSeconds,
  signal: AbortSignal,
): Promise<Bar[]> {
  const query = new URLSearchParams({
    symbol: instrument.symbol,
    interval,
    before: String(before),
    limit: String(HISTORY_PAGE_BARS),
  });
  const response = await fetch(`/api/candles?${query}`, { signal, headers: authHeaders() });
  if (!response.ok) throw new Error(`GET /api/candles answered ${response.status}`);
  const body = (await response.json()) as { bars: ApiBar[] };
  return body.bars.map((bar) => ({
    time: bar.time as UnixSeconds,
    open: toTicks(bar.open, instrument),
    high: toTicks(bar.high, instrument),
    low: toTicks(bar.low, instrument),
    close: toTicks(bar.close, instrument),
    volume: toLots(bar.volume, instrument),
  }));
}
