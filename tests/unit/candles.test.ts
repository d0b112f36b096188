import { describe, expect, it } from 'vitest';
import { BarSeries } from '../../lib/bar-series';
import { addTrade, aggregate, barFromTrade, toBar, type Trade } from '../../lib/candles';
import { bucketStart } from '../../lib/intervals';
import { unixSeconds, type Lots, type Ticks, type UnixMillis } from '../../lib/nominal';

const T0 = Date.UTC(2025, 0, 6, 10, 0, 0);
const trade = (offsetMs: number, price: number, size = 1): Trade => ({
  time: (T0 + offsetMs) as UnixMillis,
  price: price as Ticks,
  size: size as Lots,
});

describe('candle aggregation', () => {
  it('drops a late tick from close but widens high/low', () => {
    const bar = barFromTrade(trade(30_000, 100), '1m');
    addTrade(bar, trade(40_000, 101));
    addTrade(bar, trade(35_000, 120));
    addTrade(bar, trade(36_000, 90));
    expect(toBar(bar)).toEqual({ time: T0 / 1000, open: 100, high: 120, low: 90, close: 101, volume: 4 });
  });

  it('moves the open to a late tick that is earlier than every trade seen', () => {
    const bar = barFromTrade(trade(30_000, 100), '1m');
    addTrade(bar, trade(10_000, 95));
    expect(bar.open).toBe(95);
    expect(bar.close).toBe(100);
  });

  it('closes with the later arrival of two trades in the same millisecond', () => {
    const bar = barFromTrade(trade(5_000, 100), '1m');
    addTrade(bar, trade(5_000, 102));
    expect(bar.open).toBe(100);
    expect(bar.close).toBe(102);
  });

  it('starts a new bar with a trade exactly on the minute', () => {
    const bars = aggregate([trade(59_999, 100), trade(60_000, 105)], '1m');
    expect(bars.map((bar) => [bar.time, bar.open, bar.close])).toEqual([
      [T0 / 1000, 100, 100],
      [T0 / 1000 + 60, 105, 105],
    ]);
  });

  it('stamps a daily bar with midnight UTC', () => {
    expect(bucketStart((T0 + 3_600_000) as UnixMillis, '1d')).toBe(Date.UTC(2025, 0, 6) / 1000);
    expect(bucketStart(Date.UTC(2025, 0, 6, 23, 59, 59, 999) as UnixMillis, '1d')).toBe(
      Date.UTC(2025, 0, 6) / 1000,
    );
    expect(bucketStart(Date.UTC(2025, 0, 7) as UnixMillis, '1d')).toBe(Date.UTC(2025, 0, 7) / 1000);
  });

  it('leaves buckets without trades without a bar', () => {
    const bars = aggregate([trade(0, 1), trade(180_000, 2)], '1m');
    expect(bars.map((bar) => bar.time - T0 / 1000)).toEqual([0, 180]);
  });
});

describe('BarSeries', () => {
  it('updates the bar a late trade belongs to, wherever it is', () => {
    const series = new BarSeries('1m', 10);
    for (const minute of [0, 1, 2, 3]) series.add(trade(minute * 60_000, 100 + minute));
    const touched = series.add(trade(60_000 + 30_000, 150, 5));
    expect(touched?.time).toBe(T0 / 1000 + 60);
    expect(series.slice(10).map((bar) => [bar.high, bar.close, bar.volume])).toEqual([
      [100, 100, 1],
      [150, 150, 6],
      [102, 102, 1],
      [103, 103, 1],
    ]);
  });

  it('inserts a bar for a late trade whose bucket had no trades', () => {
    const series = new BarSeries('1m', 10);
    series.add(trade(0, 100));
    series.add(trade(180_000, 103));
    series.add(trade(65_000, 101));
    expect(series.slice(10).map((bar) => bar.time - T0 / 1000)).toEqual([0, 60, 180]);
  });

  it('takes a trade older than its first bar while it has room', () => {
    const series = new BarSeries('1m', 10);
    series.add(trade(180_000, 103));
    expect(series.add(trade(0, 100))?.time).toBe(T0 / 1000);
    expect(series.length).toBe(2);
  });

  it('trims to capacity once a quarter over, then refuses trades older than every bar kept', () => {
    const series = new BarSeries('1s', 4);
    for (let s = 0; s < 5; s++) series.add(trade(s * 1000, 100 + s));
    expect(series.length).toBe(5);
    series.add(trade(5000, 105));
    expect(series.slice(100).map((bar) => bar.open)).toEqual([102, 103, 104, 105]);
    expect(series.add(trade(0, 1))).toBeUndefined();
    expect(series.slice(100).map((bar) => bar.open)).toEqual([102, 103, 104, 105]);
  });

  it('slices the newest bars, or those before a time (exclusive), ascending', () => {
    const series = new BarSeries('1m', 100);
    for (let m = 0; m < 10; m++) series.add(trade(m * 60_000, m));
    const minute = (m: number) => unixSeconds(T0 / 1000 + m * 60);
    expect(series.slice(3).map((bar) => bar.time)).toEqual([minute(7), minute(8), minute(9)]);
    expect(series.slice(2, minute(5)).map((bar) => bar.time)).toEqual([minute(3), minute(4)]);
    expect(series.slice(100, minute(0))).toEqual([]);
  });
});
