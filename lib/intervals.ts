import type { UnixMillis, UnixSeconds } from './nominal';

/** Candle intervals, shortest first. Every bar is stamped with the UTC start of its bucket. */
export const INTERVALS = ['1s', '1m', '5m', '15m', '1h', '1d'] as const;
export type Interval = (typeof INTERVALS)[number];

export const INTERVAL_SECONDS: Readonly<Record<Interval, number>> = {
  '1s': 1,
  '1m': 60,
  '5m': 300,
  '15m': 900,
  '1h': 3600,
  '1d': 86400,
};

export function isInterval(value: unknown): value is Interval {
  return typeof value === 'string' && (INTERVALS as readonly string[]).includes(value);
}

/** The UTC start, in unix seconds, of the bucket of `interval` that holds `time`. */
export function bucketStart(time: UnixMillis, interval: Interval): UnixSeconds {
  return bucketOfSeconds(time, INTERVAL_SECONDS[interval]);
}

/** `bucketStart` for a bucket of `seconds`, for callers that look the length up once. */
export function bucketOfSeconds(time: UnixMillis, seconds: number): UnixSeconds {
  return (Math.floor(time / 1000 / seconds) * seconds) as UnixSeconds;
}
