import { dayBucket, monthOf, oncePerMinute, weekOf } from './calendar/sessions';
import type { AssetClass } from './instrument';
import type { UnixMillis, UnixSeconds } from './nominal';

/**
 * Candle intervals, shortest first. Intraday bars are stamped with the UTC start of their bucket; 1d, 1w and 1M
 * bars with 00:00 UTC of their trading day, its week's Monday or its month's first day (`tradingBucket`).
 */
export const INTERVALS = ['1s', '1m', '5m', '15m', '1h', '1d', '1w', '1M'] as const;
export type Interval = (typeof INTERVALS)[number];

/** Intervals whose buckets follow the instrument's calendar rather than a fixed length. */
export const CALENDAR_INTERVALS: readonly Interval[] = ['1d', '1w', '1M'];

/** Bucket lengths; for 1w and 1M a nominal length (a week, 30 days), for budgets and spacing, not for bucketing. */
export const INTERVAL_SECONDS: Readonly<Record<Interval, number>> = {
  '1s': 1,
  '1m': 60,
  '5m': 300,
  '15m': 900,
  '1h': 3600,
  '1d': 86400,
  '1w': 604800,
  '1M': 2592000,
};

export function isInterval(value: unknown): value is Interval {
  return typeof value === 'string' && (INTERVALS as readonly string[]).includes(value);
}

export function isCalendarInterval(interval: Interval): boolean {
  return CALENDAR_INTERVALS.includes(interval);
}

/**
 * The start, in unix seconds, of the bucket of `interval` that holds `time`, by UTC days for 1d, 1w and 1M (the
 * rule for crypto; `tradingBucket` has the others).
 */
export function bucketStart(time: UnixMillis, interval: Interval): UnixSeconds {
  return tradingBucket(time, interval, 'crypto') as UnixSeconds;
}

/** `bucketStart` for a bucket of `seconds`, for callers that look the length up once. */
export function bucketOfSeconds(time: UnixMillis, seconds: number): UnixSeconds {
  return (Math.floor(time / 1000 / seconds) * seconds) as UnixSeconds;
}

/**
 * The bucket of `interval` a trade at `time` of an `assetClass` instrument lands in, or undefined when it lands
 * in none: an equity's 1d, 1w and 1M bars hold its regular sessions only, stamped with the trading day (its
 * week's Monday, its month's first day); FX days roll over at 17:00 New York time; crypto days are UTC days.
 */
export function tradingBucket(
  time: UnixMillis,
  interval: Interval,
  assetClass: AssetClass,
): UnixSeconds | undefined {
  if (!isCalendarInterval(interval)) return bucketOfSeconds(time, INTERVAL_SECONDS[interval]);
  const day = dayBucket(assetClass, time);
  if (day === undefined || interval === '1d') return day;
  return interval === '1w' ? weekOf(day) : monthOf(day);
}

/** A bucketing function for one interval and asset class; calendar buckets are looked up once per minute. */
export function bucketer(
  interval: Interval,
  assetClass: AssetClass,
): (time: UnixMillis) => UnixSeconds | undefined {
  if (!isCalendarInterval(interval)) {
    const seconds = INTERVAL_SECONDS[interval];
    return (time) => bucketOfSeconds(time, seconds);
  }
  return oncePerMinute((time) => tradingBucket(time, interval, assetClass));
}
