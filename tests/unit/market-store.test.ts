import { describe, expect, it } from 'vitest';
import { chartOf, createMarketStore, keepWantedCharts } from '../../components/store/market-store';
import type { BarTuple } from '../../lib/protocol';

const bar = (time: number, close: number): BarTuple => [time, close, close, close, close, 1];

function withTwoCharts() {
  const store = createMarketStore({
    chartStreams: [
      { symbol: 'AAPL', interval: '1m' },
      { symbol: 'MSFT', interval: '5m' },
    ],
  });
  store.getState().setChart({ ok: true, symbol: 'AAPL', interval: '1m', seq: 1, bars: [bar(60, 10)] });
  store.getState().setChart({ ok: true, symbol: 'MSFT', interval: '5m', seq: 7, bars: [bar(300, 20)] });
  return store;
}

describe('market store charts', () => {
  it('holds several streams at once and applies each its own candle entries', () => {
    const store = withTwoCharts();
    const result = store.getState().applyFrame({
      t: 0,
      c: [
        ['AAPL', '1m', 2, [bar(60, 11), bar(120, 12)]],
        ['MSFT', '5m', 9, [bar(300, 21)]],
      ],
    });
    expect(result.chartGaps).toEqual([{ symbol: 'MSFT', interval: '5m' }]);
    const aapl = chartOf(store.getState(), 'AAPL', '1m');
    expect(aapl?.bars.bars.map((b) => b.close)).toEqual([11, 12]);
    expect(aapl?.changed.map((b) => b.time)).toEqual([60, 120]);
    expect(chartOf(store.getState(), 'MSFT', '5m')?.bars.stale).toBe(true);
  });

  it('counts a stream subscribed again as a resync, and ignores acknowledgements no chart wants', () => {
    const store = withTwoCharts();
    store.getState().setChart({ ok: true, symbol: 'AAPL', interval: '1m', seq: 5, bars: [bar(60, 10)] });
    expect(chartOf(store.getState(), 'AAPL', '1m')?.resyncs).toBe(1);
    store.getState().setChart({ ok: true, symbol: 'TSLA', interval: '1m', seq: 1, bars: [] });
    expect(chartOf(store.getState(), 'TSLA', '1m')).toBeUndefined();
    const kept = keepWantedCharts(store.getState().charts, [{ symbol: 'MSFT', interval: '5m' }]);
    expect(Object.keys(kept)).toEqual(['MSFT/5m']);
  });

  it('keeps what the server says of each symbol', () => {
    const store = createMarketStore();
    store.getState().applyStatus([['BTC-USD', 'stale', 'binance', 1000]]);
    expect(store.getState().feeds['BTC-USD']).toEqual({ status: 'stale', source: 'binance', time: 1000 });
  });
});
