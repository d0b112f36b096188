import type { Bar } from '../../../lib/candles';
import { INTERVAL_SECONDS, type Interval } from '../../../lib/intervals';
import type { Lots, UnixMillis, UnixSeconds } from '../../../lib/nominal';

/** Several bars of consecutive buckets as one: open of the first, close of the last, extremes and the sum. */
export function mergeBars(bars: readonly Bar[], time: UnixSeconds): Bar | undefined {
  const [first] = bars;
  const last = bars.at(-1);
  if (!first || !last) return undefined;
  let high = first.high;
  let low = first.low;
  let volume = 0;
  for (const bar of bars) {
    if (bar.high > high) high = bar.high;
    if (bar.low < low) low = bar.low;
    volume += bar.volume;
  }
  return { time, open: first.open, high, low, close: last.close, volume: volume as Lots };
}

/**
 * The bars that hold every trade before `cut` (unix ms, on a bucket boundary of the shortest interval given), from a
 * venue's bars: per interval, its bars that ended by `cut`, and for the bucket `cut` falls inside, the bars of the
 * next shorter interval that tile it up to `cut`, merged (and so on down). The venue's own bar of that bucket is not
 * used: fetched after `cut`, it holds later trades too, which the relay sends as trades. `venueBars` are ascending.
 */
export function barsBefore(
  venueBars: ReadonlyMap<Interval, readonly Bar[]>,
  intervals: readonly Interval[],
  cut: UnixMillis,
): Map<Interval, Bar[]> {
  const result = new Map<Interval, Bar[]>();
  const cutSeconds = cut / 1000;
  let shorter: { closed: readonly Bar[]; open: Bar | undefined } | undefined;
  for (const interval of intervals) {
    const seconds = INTERVAL_SECONDS[interval];
    const start = (Math.floor(cutSeconds / seconds) * seconds) as UnixSeconds;
    const closed = (venueBars.get(interval) ?? []).filter((bar) => bar.time + seconds <= cutSeconds);
    let open: Bar | undefined;
    if (start < cutSeconds && shorter) {
      const pieces = shorter.closed.filter((bar) => bar.time >= start);
      open = mergeBars(shorter.open ? [...pieces, shorter.open] : pieces, start);
    }
    result.set(interval, open ? [...closed, open] : [...closed]);
    shorter = { closed, open };
  }
  return result;
}
