import { addTrade, barFromTrade, type BarState, type Trade } from './candles';
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

  /** The bar starting at `time`, or undefined. The newest is found at once. */
  atTime(time: number): BarState | undefined {
    const last = this.newest;
    if (last?.time === time) return last;
    if (!last || time > last.time) return undefined;
    const found = this.bars[this.indexAtOrAfter(time)];
    return found?.time === time ? found : undefined;
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

  /** The bar at `index` (0 the oldest kept, -1 the newest), or undefined. */
  at(index: number): BarState | undefined {
    return this.bars.at(index);
  }

  /**
   * Puts a whole bar in place of the one of the same time (or inserts it by time) and returns it; undefined when
   * the series is full and the bar is older than every bar kept.
   */
  put(bar: BarState): BarState | undefined {
    const index = this.indexAtOrAfter(bar.time);
    const found = this.bars[index];
    if (found?.time === bar.time) {
      Object.assign(found, bar);
      return found;
    }
    if (index === 0 && this.bars.length >= this.capacity) return undefined;
    this.bars.splice(index, 0, bar);
    // Trimmed only when the newest grows, as `add` does: a replica putting the bars `add` returned, in the same
    // order, then holds the very same bars.
    if (index === this.bars.length - 1) {
      this.newest = bar;
      if (this.bars.length > this.capacity * 1.25) this.bars.splice(0, this.bars.length - this.capacity);
    }
    return bar;
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
