import { addTrade, barFromTrade, type Bar, type BarState, type Trade } from './candles';
import type { AssetClass } from './instrument';
import { bucketer, type Interval } from './intervals';
import type { UnixMillis, UnixSeconds } from './nominal';

/**
 * The bars of one symbol at one interval, ascending by time, keeping at most `capacity` of the newest.
 * Buckets without trades have no bar, and trades outside every bucket (an equity's pre-market trade, for its 1d
 * series) none either.
 */
export class BarSeries {
  readonly interval: Interval;
  readonly capacity: number;
  private readonly bars: BarState[] = [];
  /** Looked up once: the market adds every trade to eight series. */
  private readonly bucketOf: (time: UnixMillis) => UnixSeconds | undefined;
  private newest: BarState | undefined;

  constructor(interval: Interval, capacity: number, assetClass: AssetClass = 'crypto') {
    this.interval = interval;
    this.capacity = capacity;
    this.bucketOf = bucketer(interval, assetClass);
  }

  get length(): number {
    return this.bars.length;
  }

  last(): BarState | undefined {
    return this.newest;
  }

  /** The bar before the newest, if any. */
  beforeLast(): BarState | undefined {
    return this.bars[this.bars.length - 2];
  }

  /**
   * Adds a trade and returns the bar it touched, or undefined when the trade lands in no bucket, or the series is
   * full and the trade is older than every bar kept.
   */
  add(trade: Trade): BarState | undefined {
    const time = this.bucketOf(trade.time);
    if (time === undefined) return undefined;
    const last = this.newest;
    if (!last || time > last.time) {
      const bar = barFromTrade(trade, this.interval, time);
      this.bars.push(bar);
      this.newest = bar;
      if (this.bars.length > this.capacity * 1.25) this.bars.splice(0, this.bars.length - this.capacity);
      return bar;
    }
    if (time === last.time) {
      addTrade(last, trade);
      return last;
    }
    return this.addLate(trade, time);
  }

  private addLate(trade: Trade, time: UnixSeconds): BarState | undefined {
    const index = this.indexAtOrAfter(time);
    const found = this.bars[index];
    if (found?.time === time) {
      addTrade(found, trade);
      return found;
    }
    // Older than every bar: a full series may have dropped its bucket already, one with room has not.
    if (index === 0 && this.bars.length >= this.capacity) return undefined;
    const bar = barFromTrade(trade, this.interval, time);
    this.bars.splice(index, 0, bar);
    return bar;
  }

  /**
   * Puts whole bars (history a source computed or fetched), ascending, each replacing the bar of its time. They
   * hold every trade before `asOf` (ms; the end of each bar's bucket when omitted): a later trade becomes the
   * close, an earlier one only widens the range.
   */
  load(bars: readonly Bar[], asOf?: UnixMillis): void {
    for (const bar of bars) {
      const state: BarState = {
        time: bar.time,
        open: bar.open,
        high: bar.high,
        low: bar.low,
        close: bar.close,
        volume: bar.volume,
        openTime: (bar.time * 1000) as UnixMillis,
        closeTime: (asOf === undefined ? bar.time * 1000 : asOf - 1) as UnixMillis,
      };
      const newest = this.bars.at(-1);
      if (!newest || newest.time < bar.time) {
        this.bars.push(state);
        continue;
      }
      const index = this.indexAtOrAfter(bar.time);
      if (this.bars[index]?.time === bar.time) this.bars[index] = state;
      else this.bars.splice(index, 0, state);
    }
    if (this.bars.length > this.capacity) this.bars.splice(0, this.bars.length - this.capacity);
    this.newest = this.bars.at(-1);
  }

  /** Up to `limit` bars ending before `before` (exclusive; the newest when omitted), ascending. */
  slice(limit: number, before?: UnixSeconds): readonly BarState[] {
    const end = before === undefined ? this.bars.length : this.indexAtOrAfter(before);
    return this.bars.slice(Math.max(0, end - limit), end);
  }

  /** Index of the first bar whose time is at least `time`. */
  private indexAtOrAfter(time: number): number {
    let lo = 0;
    let hi = this.bars.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.bars[mid] as BarState).time < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
