/**
 * The intraday series a board's sparkline draws: the closes of a symbol's 5m bars over its current (or last)
 * trading day's session, thinned to what a sparkline can show. Computed by the server for many symbols in one
 * request (`GET /api/sparklines`), so a board of a hundred rows never opens a chart stream per row.
 */
import type { Bar } from './candles';
import { dayBucket, sessionSpans } from './calendar/sessions';
import type { AssetClass } from './instrument';
import type { Interval } from './intervals';
import type { UnixMillis, UnixSeconds } from './nominal';

/** The bars the series is made of. */
export const INTRADAY_INTERVAL: Interval = '5m';
/** At most this many points per series: a sparkline is 64 px wide. */
export const INTRADAY_POINTS = 64;

/**
 * Where the series of the trading day `day` (its 1d bar's stamp, 00:00 UTC of its date) starts: the regular
 * session's open for equities (the extended hours are left out, as a quote board's day chart does), the day's
 * roll for FX (17:00 New York the evening before), 00:00 UTC for crypto. `day` itself for a day without a session.
 */
export function intradayStart(assetClass: AssetClass, day: UnixSeconds): UnixSeconds {
  const spans = sessionSpans(assetClass, day);
  const span = spans.find((s) => s.phase === 'regular') ?? spans[0];
  return span ? (Math.floor(span.start / 1000) as UnixSeconds) : day;
}

/**
 * The trading day whose series a board shows from `time` on: the day a trade at `time` belongs to as the server's
 * 1d bars count it (an equity's regular session, FX's day from the 17:00 New York roll, crypto's UTC date), the
 * `day` that GET /api/sparklines answers once that day's first trade is in. Undefined while the market is between
 * days (an equity's extended hours, nights and holidays, FX's weekend): the last day's series stands meanwhile.
 */
export function intradayDayAt(assetClass: AssetClass, time: UnixMillis): UnixSeconds | undefined {
  return dayBucket(assetClass, time);
}

/**
 * At most `max` of `bars`, evenly spaced by index, always with the first and the newest (whose close is the
 * latest price the series knows).
 */
export function thinned<T>(bars: readonly T[], max: number = INTRADAY_POINTS): T[] {
  if (bars.length <= max) return [...bars];
  if (max <= 1) return bars.slice(-1);
  const step = (bars.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => bars[Math.round(i * step)] as T);
}

/** The closes of the series from the day's bars (ascending): those of the session, thinned. */
export function intradayCloses(
  bars: readonly Bar[],
  start: UnixSeconds,
  max = INTRADAY_POINTS,
): Bar['close'][] {
  return thinned(
    bars.filter((bar) => bar.time >= start),
    max,
  ).map((bar) => bar.close);
}
