import type { ITimeScaleApi, LogicalRange, Time } from 'lightweight-charts';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fetchOlderBars } from '../../components/chart-history';
import type { Shown } from '../../components/chart-view';
import { watchHistory } from '../../components/history-pager';
import { chartOf, createMarketStore } from '../../components/store/market-store';
import type { Bar } from '../../lib/candles';
import { tupleToBar } from '../../lib/protocol';
import { testInstruments } from '../support/arbitraries';

vi.mock('../../components/chart-history', () => ({ fetchOlderBars: vi.fn() }));
const fetched = vi.mocked(fetchOlderBars);

const bar = (time: number): Bar => tupleToBar([time, 10, 10, 10, 10, 1]);
const minutes = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => bar((from + i) * 60));
const [instrument] = testInstruments(['AAPL']);

/** A pager over the store's AAPL 1m chart, with the time scale's range changes in the test's hands. */
function pager() {
  const store = createMarketStore({ chartStreams: [{ symbol: 'AAPL', interval: '1m' }] });
  store
    .getState()
    .showChart({ symbol: 'AAPL', interval: '1m', seq: 1, bars: minutes(100, 50), stale: false });
  let onRange: ((range: LogicalRange | null) => void) | undefined;
  const timeScale = {
    subscribeVisibleLogicalRangeChange: (listener: typeof onRange) => (onRange = listener),
    unsubscribeVisibleLogicalRangeChange: () => (onRange = undefined),
    getVisibleLogicalRange: () => null,
  } as unknown as ITimeScaleApi<Time>;
  const shown = (): Shown | undefined => {
    const held = chartOf(store.getState(), 'AAPL', '1m');
    return held && instrument
      ? ({ chart: held.bars, revision: held.revision, instrument } as Shown)
      : undefined;
  };
  const stop = watchHistory({
    timeScale,
    store,
    shown,
    host: { dataset: {} } as HTMLElement,
    onError: () => {},
  });
  /** The view at the chart's first bar; resolves once a request it made (if any) has been answered. */
  const atEdge = async () => {
    onRange?.({ from: 0, to: 30 } as LogicalRange);
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { store, atEdge, stop };
}

describe('the history pager', () => {
  beforeEach(() => fetched.mockReset());

  it('puts older bars in front, stops asking once history ran out, and asks again after a trim', async () => {
    const { store, atEdge, stop } = pager();
    fetched.mockResolvedValueOnce(minutes(80, 20));
    await atEdge();
    expect(fetched).toHaveBeenCalledTimes(1);
    expect(fetched.mock.calls[0]?.[2]).toBe(100 * 60);
    expect(chartOf(store.getState(), 'AAPL', '1m')?.bars.bars[0]?.time).toBe(80 * 60);

    // Nothing before minute 80: the stream's history ran out there.
    fetched.mockResolvedValueOnce([]);
    await atEdge();
    expect(fetched).toHaveBeenCalledTimes(2);
    await atEdge();
    expect(fetched).toHaveBeenCalledTimes(2);

    // Back at the newest bar the chart gave its oldest back: the view at the edge again may load them.
    store.getState().trimChart('AAPL', '1m', 40);
    fetched.mockResolvedValueOnce(minutes(80, 30));
    await atEdge();
    expect(fetched).toHaveBeenCalledTimes(3);
    expect(fetched.mock.calls[2]?.[2]).toBe(110 * 60);
    expect(chartOf(store.getState(), 'AAPL', '1m')?.bars.bars.length).toBe(70);
    stop();
  });
});
