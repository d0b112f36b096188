import type { Bar } from './candles';
import type { Interval } from './intervals';
import { tupleToBar, type CandleEntry, type CandleStreamRef, type CandlesSubscribed } from './protocol';

/** One candle stream's name in a map of several: `AAPL/1m`. */
export type StreamKey = string & { readonly __stream: true };

export function streamKey(stream: CandleStreamRef): StreamKey {
  return `${stream.symbol}/${stream.interval}` as StreamKey;
}

/** The client's mirror of one candle stream. Never mutated in place. */
export interface ChartBars {
  symbol: string;
  interval: Interval;
  seq: number;
  /** Ascending by time. */
  bars: readonly Bar[];
  /** A candle update was missed: the bars are held until the stream is subscribed again. */
  stale: boolean;
}

export function chartFromAck(ack: CandlesSubscribed): ChartBars {
  return {
    symbol: ack.symbol,
    interval: ack.interval,
    seq: ack.seq,
    bars: ack.bars.map(tupleToBar),
    stale: false,
  };
}

/**
 * Bars merged with `updates` (ascending): an update replaces the bar with the same time, otherwise it is
 * inserted in time order. Returns a new array.
 */
export function mergeBars(bars: readonly Bar[], updates: readonly Bar[]): Bar[] {
  const out = bars.slice();
  for (const bar of updates) {
    let i = out.length;
    while (i > 0 && (out[i - 1] as Bar).time > bar.time) i--;
    if (i > 0 && (out[i - 1] as Bar).time === bar.time) out[i - 1] = bar;
    else out.splice(i, 0, bar);
  }
  return out;
}

/**
 * The bars before `since` (unix seconds), then `replacement` (ascending, all from `since` on): what a reset entry
 * leaves, so a bar the server no longer holds goes too. Returns a new array.
 */
export function replaceBarsFrom(bars: readonly Bar[], since: number, replacement: readonly Bar[]): Bar[] {
  let kept = bars.length;
  while (kept > 0 && (bars[kept - 1] as Bar).time >= since) kept--;
  return [...bars.slice(0, kept), ...replacement.filter((bar) => bar.time >= since)];
}

export interface ChartUpdate {
  chart: ChartBars;
  /** The bars that changed, for `series.update`; empty when nothing was applied. */
  changed: Bar[];
  gap: boolean;
  /**
   * Set by a reset entry that says where it starts: every bar from this time on was replaced by `changed`
   * (bars there that `changed` lacks are gone), so a view must replace its data, not update it.
   */
  since?: number;
}

/**
 * Applies a candle entry for this chart's stream, checking its sequence number. A reset entry (every bar from
 * `since` on, the first one the client may have missed) is applied whatever seq the chart held, replaces the
 * chart's bars from `since` on, and heals a stale chart.
 */
export function applyCandleEntry(chart: ChartBars, entry: CandleEntry): ChartUpdate {
  const [symbol, interval, seq, tuples, reset, since] = entry;
  if (symbol !== chart.symbol || interval !== chart.interval || seq < chart.seq) {
    return { chart, changed: [], gap: false };
  }
  if (seq === chart.seq && reset !== 1) return { chart, changed: [], gap: false };
  if (reset !== 1 && (chart.stale || seq !== chart.seq + 1)) {
    return { chart: chart.stale ? chart : { ...chart, stale: true }, changed: [], gap: true };
  }
  const changed = tuples.map(tupleToBar);
  if (reset === 1 && since !== undefined) {
    const bars = replaceBarsFrom(chart.bars, since, changed);
    return { chart: { ...chart, seq, bars, stale: false }, changed, gap: false, since };
  }
  return {
    chart: { ...chart, seq, bars: mergeBars(chart.bars, changed), stale: false },
    changed,
    gap: false,
  };
}

/** Older bars (from history on scroll) put in front of the chart's bars; overlapping times keep the newer. */
export function prependBars(chart: ChartBars, older: readonly Bar[]): ChartBars {
  const first = chart.bars[0];
  const kept = first ? older.filter((bar) => bar.time < first.time) : older;
  return kept.length === 0 ? chart : { ...chart, bars: [...kept, ...chart.bars] };
}

/**
 * The chart without its oldest bars past `keep`: what a stream followed for hours is bounded to. The same chart
 * when it holds no more than that.
 */
export function trimBars(chart: ChartBars, keep: number): ChartBars {
  return chart.bars.length <= keep ? chart : { ...chart, bars: chart.bars.slice(chart.bars.length - keep) };
}
