/**
 * Chart overlays computed from bars: simple and exponential moving averages of the close, the volume-weighted
 * average price (restarting each UTC day) and a moving average of volume. Each is one value per bar (NaN where
 * it is not defined yet), in the bars' own units (ticks, lots).
 *
 * They are computed incrementally: given the values for an earlier version of the bars and the first index that
 * changed, only that index and after are computed again. The chart calls this on every update with the index of
 * the first changed bar, usually the last one; the result always equals a computation from scratch.
 */
import type { Bar } from './candles';

export type Indicator = 'sma' | 'ema' | 'vwap' | 'volume-ma';

export const DAY_SECONDS = 86_400;

function mean(bars: readonly Bar[], end: number, period: number, field: 'close' | 'volume'): number {
  if (end + 1 < period) return NaN;
  let sum = 0;
  for (let i = end - period + 1; i <= end; i++) sum += (bars[i] as Bar)[field];
  return sum / period;
}

/** Index of the first bar of the UTC day that holds bar `index`. */
function sessionStart(bars: readonly Bar[], index: number): number {
  const day = Math.floor((bars[index] as Bar).time / DAY_SECONDS);
  let i = index;
  while (i > 0 && Math.floor((bars[i - 1] as Bar).time / DAY_SECONDS) === day) i--;
  return i;
}

/**
 * The values of `indicator` over `bars`. `previous` holds the values for bars that were equal to these up to
 * (not including) index `from`; values before `from` are reused from it, the rest computed.
 */
export function indicatorValues(
  indicator: Indicator,
  bars: readonly Bar[],
  period: number,
  previous: readonly number[] = [],
  from = 0,
): number[] {
  const start = Math.max(0, Math.min(from, previous.length, bars.length));
  const out = previous.slice(0, start);
  switch (indicator) {
    case 'sma':
    case 'volume-ma': {
      const field = indicator === 'sma' ? 'close' : 'volume';
      for (let i = start; i < bars.length; i++) out.push(mean(bars, i, period, field));
      return out;
    }
    case 'ema': {
      const alpha = 2 / (period + 1);
      for (let i = start; i < bars.length; i++) {
        const close = (bars[i] as Bar).close;
        out.push(i === 0 ? close : alpha * close + (1 - alpha) * (out[i - 1] as number));
      }
      return out;
    }
    case 'vwap': {
      if (start >= bars.length) return out;
      // The running sums restart each day; rebuild them from the start of the day of the first changed bar.
      let value = 0;
      let volume = 0;
      let day = NaN;
      for (let i = sessionStart(bars, start); i < bars.length; i++) {
        const bar = bars[i] as Bar;
        const barDay = Math.floor(bar.time / DAY_SECONDS);
        if (barDay !== day) {
          day = barDay;
          value = 0;
          volume = 0;
        }
        value += ((bar.high + bar.low + bar.close) / 3) * bar.volume;
        volume += bar.volume;
        if (i >= start) out.push(volume === 0 ? (bar.high + bar.low + bar.close) / 3 : value / volume);
      }
      return out;
    }
  }
}

/** A Heikin-Ashi bar: prices are fractional ticks. */
export interface HeikinAshiBar {
  time: Bar['time'];
  open: number;
  high: number;
  low: number;
  close: number;
}

/** Heikin-Ashi bars of `bars`, reusing `previous` before index `from` as `indicatorValues` does. */
export function heikinAshi(
  bars: readonly Bar[],
  previous: readonly HeikinAshiBar[] = [],
  from = 0,
): HeikinAshiBar[] {
  const start = Math.max(0, Math.min(from, previous.length, bars.length));
  const out = previous.slice(0, start);
  for (let i = start; i < bars.length; i++) {
    const bar = bars[i] as Bar;
    const close = (bar.open + bar.high + bar.low + bar.close) / 4;
    const before = out[i - 1];
    const open = before ? (before.open + before.close) / 2 : (bar.open + bar.close) / 2;
    out.push({
      time: bar.time,
      open,
      high: Math.max(bar.high, open, close),
      low: Math.min(bar.low, open, close),
      close,
    });
  }
  return out;
}

/**
 * The first index where `next` differs from `previous`, by reference: the reducers keep the objects of bars
 * that did not change, so this is a scan of pointer comparisons. Bars put in front shift every index: 0.
 */
export function firstChanged(previous: readonly Bar[], next: readonly Bar[]): number {
  const length = Math.min(previous.length, next.length);
  let i = 0;
  while (i < length && previous[i] === next[i]) i++;
  return i;
}
