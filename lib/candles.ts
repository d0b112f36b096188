import type { AssetClass } from './instrument';
import { bucketStart, tradingBucket, type Interval } from './intervals';
import type { Lots, Ticks, UnixMillis, UnixSeconds } from './nominal';

/** One OHLCV bar, prices in ticks and volume in lots. */
export interface Bar {
  time: UnixSeconds;
  open: Ticks;
  high: Ticks;
  low: Ticks;
  close: Ticks;
  volume: Lots;
}

/** A trade as the candle aggregator sees it. */
export interface Trade {
  time: UnixMillis;
  price: Ticks;
  size: Lots;
  /**
   * The venue's trade number, where it has one: it orders trades of the same millisecond, so bars do not depend on
   * the order trades arrive in. Without it, equal times keep arrival order.
   */
  tradeId?: number | undefined;
}

/**
 * A bar being aggregated. It remembers the times of the trades that set its open and close, so a trade that
 * arrives late still lands where its time says: it widens high and low and adds volume, but only moves the open
 * or close if it is earlier than the first or later than the last trade seen.
 */
export interface BarState extends Bar {
  openTime: UnixMillis;
  closeTime: UnixMillis;
  openId?: number | undefined;
  closeId?: number | undefined;
}

/** Whether trade `id` comes before `than` at the same time: only when both are numbered. */
function numberedBefore(id: number | undefined, than: number | undefined): boolean {
  return id !== undefined && than !== undefined && id < than;
}

/** A new bar holding one trade; `time` is its bucket's start, when the caller knows it already. */
export function barFromTrade(
  trade: Trade,
  interval: Interval,
  time: UnixSeconds = bucketStart(trade.time, interval),
): BarState {
  return {
    time,
    open: trade.price,
    high: trade.price,
    low: trade.price,
    close: trade.price,
    volume: trade.size,
    openTime: trade.time,
    closeTime: trade.time,
    openId: trade.tradeId,
    closeId: trade.tradeId,
  };
}

/** Folds a trade of the same bucket into `bar`, in place. */
export function addTrade(bar: BarState, trade: Trade): void {
  if (trade.price > bar.high) bar.high = trade.price;
  if (trade.price < bar.low) bar.low = trade.price;
  bar.volume = (bar.volume + trade.size) as Lots;
  if (
    trade.time < bar.openTime ||
    (trade.time === bar.openTime && numberedBefore(trade.tradeId, bar.openId))
  ) {
    bar.open = trade.price;
    bar.openTime = trade.time;
    bar.openId = trade.tradeId;
  }
  // Equal times keep arrival order (the later arrival is the close) unless trade numbers say otherwise.
  if (
    trade.time > bar.closeTime ||
    (trade.time === bar.closeTime && !numberedBefore(trade.tradeId, bar.closeId))
  ) {
    bar.close = trade.price;
    bar.closeTime = trade.time;
    bar.closeId = trade.tradeId;
  }
}

/** The public part of a bar state, detached from it. */
export function toBar(state: BarState): Bar {
  const { time, open, high, low, close, volume } = state;
  return { time, open, high, low, close, volume };
}

/**
 * Reference aggregation: the bars of `interval` that `trades` make, ascending by time, in any arrival order, by the
 * calendar of `assetClass` (crypto's UTC days unless told; see `tradingBucket`).
 */
export function aggregate(
  trades: Iterable<Trade>,
  interval: Interval,
  assetClass: AssetClass = 'crypto',
): Bar[] {
  const byBucket = new Map<number, BarState>();
  for (const trade of trades) {
    const time = tradingBucket(trade.time, interval, assetClass);
    if (time === undefined) continue;
    const bar = byBucket.get(time);
    if (bar) addTrade(bar, trade);
    else byBucket.set(time, barFromTrade(trade, interval, time));
  }
  return [...byBucket.values()].sort((a, b) => a.time - b.time).map(toBar);
}
