import type { ITimeScaleApi, LogicalRange, Time } from 'lightweight-charts';
import { fetchOlderBars } from './chart-history';
import type { Shown } from './chart-view';
import { chartOf, type MarketStore } from './store/market-store';

/** How close (in bars) the left edge of the view may come to the first bar before older ones are fetched. */
export const EDGE_BARS = 20;
/** After a failed fetch, scrolling does not ask again for this long. */
const RETRY_MS = 5000;

export interface HistoryPagerOptions {
  timeScale: ITimeScaleApi<Time>;
  store: MarketStore;
  shown: () => Shown | undefined;
  /** Gets `data-history="loading"` while a page is on its way. */
  host: HTMLElement;
  onError: (message: string) => void;
}

/**
 * Loads older bars as the view nears the first bar: one request at a time, put in front of the store's chart
 * (the chart view keeps the visible range in place). A stream whose history ran out is not asked again, unless
 * its first bars were dropped since.
 * Returns the function that stops listening and cancels a request on its way.
 */
export function watchHistory({ timeScale, store, shown, host, onError }: HistoryPagerOptions): () => void {
  /** Per stream, the first bar when its history ran out: bars dropped since (a trim) can be loaded again. */
  const exhausted = new Map<string, number>();
  let pending: AbortController | undefined;
  let quietUntil = 0;

  const load = (range: LogicalRange | null) => {
    const current = shown();
    const first = current?.chart.bars[0];
    if (!range || !current || !first || pending || range.from > EDGE_BARS || Date.now() < quietUntil) return;
    const { symbol, interval } = current.chart;
    const key = `${symbol} ${interval}`;
    if (first.time <= (exhausted.get(key) ?? -Infinity)) return;

    const request = new AbortController();
    pending = request;
    host.dataset.history = 'loading';
    fetchOlderBars(current.instrument, interval, first.time, request.signal)
      .then((bars) => {
        const state = store.getState();
        const chart = chartOf(state, symbol, interval)?.bars;
        // The answer is for the bars that were first when it was asked; anything else moved on meanwhile.
        if (chart?.bars[0]?.time !== first.time) return;
        state.prependChart(symbol, interval, bars);
        if (chartOf(store.getState(), symbol, interval)?.bars === chart) exhausted.set(key, first.time);
      })
      .catch((error: unknown) => {
        if (request.signal.aborted) return;
        quietUntil = Date.now() + RETRY_MS;
        onError(
          `Older bars of ${symbol} unavailable: ${error instanceof Error ? error.message : String(error)}`,
        );
      })
      .finally(() => {
        if (pending !== request) return;
        pending = undefined;
        delete host.dataset.history;
        // The view may still be at the edge (a fast scroll, or a short page): look again.
        load(timeScale.getVisibleLogicalRange());
      });
  };

  timeScale.subscribeVisibleLogicalRangeChange(load);
  return () => {
    timeScale.unsubscribeVisibleLogicalRangeChange(load);
    pending?.abort();
    pending = undefined;
  };
}
