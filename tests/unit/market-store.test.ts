import { describe, expect, it } from 'vitest';
import { chartOf, createMarketStore, keepWantedCharts } from '../../components/store/market-store';
import type { Bar } from '../../lib/candles';
import type { ChartBars } from '../../lib/chart-bars';
import type { Interval } from '../../lib/intervals';
import { tupleToBar } from '../../lib/protocol';

const bar = (time: number, close: number): Bar => tupleToBar([time, close, close, close, close, 1]);
const bars = (symbol: string, interval: Interval, list: Bar[]): ChartBars => ({
  symbol,
  interval,
  seq: 1,
  bars: list,
  stale: false,
});

function withTwoCharts() {
  const store = createMarketStore({
    chartStreams: [
      { symbol: 'AAPL', interval: '1m' },
      { symbol: 'MSFT', interval: '5m' },
    ],
  });
  store.getState().showChart(bars('AAPL', '1m', [bar(60, 10)]));
  store.getState().showChart(bars('MSFT', '5m', [bar(300, 20)]));
  return store;
}

describe('market store charts', () => {
  it('holds several streams at once and puts each its own changed bars', () => {
    const store = withTwoCharts();
    store.getState().updateChart('AAPL', '1m', [bar(60, 11), bar(120, 12)]);
    store.getState().updateChart('MSFT', '5m', [bar(300, 21)]);
    const aapl = chartOf(store.getState(), 'AAPL', '1m');
    expect(aapl?.bars.bars.map((b) => b.close)).toEqual([11, 12]);
    expect(aapl?.changed.map((b) => b.time)).toEqual([60, 120]);
    expect(chartOf(store.getState(), 'MSFT', '5m')?.bars.bars.map((b) => b.close)).toEqual([21]);
  });

  it('counts a stream replaced again as a resync, and ignores streams no chart wants', () => {
    const store = withTwoCharts();
    store.getState().showChart(bars('AAPL', '1m', [bar(60, 10)]));
    expect(chartOf(store.getState(), 'AAPL', '1m')?.resyncs).toBe(1);
    expect(chartOf(store.getState(), 'AAPL', '1m')?.revision).toBe(2);
    store.getState().showChart(bars('TSLA', '1m', []));
    expect(chartOf(store.getState(), 'TSLA', '1m')).toBeUndefined();
    const kept = keepWantedCharts(store.getState().charts, [{ symbol: 'MSFT', interval: '5m' }]);
    expect(Object.keys(kept)).toEqual(['MSFT/5m']);
  });

  it('resets a stream from since on, keeping the history paged in front, and has the chart replace its data', () => {
    const store = withTwoCharts();
    store.getState().prependChart('AAPL', '1m', [bar(0, 1)]);
    store.getState().updateChart('AAPL', '1m', [bar(120, 12), bar(180, 13)]);
    const before = chartOf(store.getState(), 'AAPL', '1m');
    // The server has no bar at 120 any more; the client library hands over every bar it holds.
    store.getState().resetChart('AAPL', '1m', 120, [bar(60, 10), bar(180, 23), bar(240, 24)]);
    const after = chartOf(store.getState(), 'AAPL', '1m');
    expect(after?.bars.bars).toEqual([bar(0, 1), bar(60, 10), bar(180, 23), bar(240, 24)]);
    expect(after?.revision).toBe((before?.revision ?? 0) + 1);
    expect(after?.resyncs).toBe(before?.resyncs);
    // Since 0: another market, nothing held stands.
    store.getState().resetChart('AAPL', '1m', 0, [bar(300, 5)]);
    expect(chartOf(store.getState(), 'AAPL', '1m')?.bars.bars).toEqual([bar(300, 5)]);
  });

  it('trims a stream to its newest bars wholesale, and leaves one already within the bound', () => {
    const store = withTwoCharts();
    store.getState().prependChart('AAPL', '1m', [bar(0, 1)]);
    store.getState().updateChart('AAPL', '1m', [bar(120, 12), bar(180, 13)]);
    const before = chartOf(store.getState(), 'AAPL', '1m');
    store.getState().trimChart('AAPL', '1m', 2);
    const after = chartOf(store.getState(), 'AAPL', '1m');
    expect(after?.bars.bars).toEqual([bar(120, 12), bar(180, 13)]);
    expect(after?.bars.seq).toBe(before?.bars.seq);
    expect(after?.revision).toBe((before?.revision ?? 0) + 1);
    expect(after?.changed).toEqual([]);
    store.getState().trimChart('AAPL', '1m', 2);
    expect(chartOf(store.getState(), 'AAPL', '1m')).toBe(after);
    store.getState().trimChart('TSLA', '1m', 1);
    expect(chartOf(store.getState(), 'TSLA', '1m')).toBeUndefined();
  });

  it('leaves a changed bar older than the first held one to the history pager', () => {
    const store = withTwoCharts();
    store.getState().updateChart('AAPL', '1m', [bar(0, 1), bar(60, 11)]);
    expect(chartOf(store.getState(), 'AAPL', '1m')?.bars.bars).toEqual([bar(60, 11)]);
    expect(chartOf(store.getState(), 'AAPL', '1m')?.changed).toEqual([bar(60, 11)]);
    const held = chartOf(store.getState(), 'AAPL', '1m');
    store.getState().updateChart('AAPL', '1m', [bar(0, 2)]);
    expect(chartOf(store.getState(), 'AAPL', '1m')).toBe(held);
  });

  it('keeps what the server says of each symbol', () => {
    const store = createMarketStore();
    store.getState().applyStatus([['BTC-USD', 'stale', 'binance', 1000]]);
    expect(store.getState().feeds['BTC-USD']).toEqual({ status: 'stale', source: 'binance', time: 1000 });
  });
});
