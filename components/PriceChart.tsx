'use client';

import { useEffect, useRef } from 'react';
import { ensureDefined } from '../lib/assert';
import { ChartLegend, type LegendHandle } from './ChartLegend';
import { mountChart } from './chart-view';
import { useMarketStore, usePreferencesStore } from './StoreProvider';

/**
 * The candlestick and volume chart of the selected symbol. It renders once; after that the chart follows the
 * store by itself (see chart-view.ts), so ticks never re-render React.
 */
export function PriceChart({ onError }: { onError: (message: string) => void }) {
  const store = useMarketStore();
  const preferences = usePreferencesStore();
  const host = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLDivElement>(null);
  const legend = useRef<LegendHandle>(null);

  useEffect(
    () =>
      mountChart({
        host: ensureDefined(host.current, 'chart host is not mounted'),
        canvas: ensureDefined(canvas.current, 'chart canvas is not mounted'),
        store,
        preferences,
        legend: () => legend.current,
        onError,
      }),
    [store, preferences, onError],
  );

  return (
    <div ref={host} className="chart" data-testid="price-chart">
      <div ref={canvas} className="chart-canvas" />
      <ChartLegend ref={legend} />
      <div className="chart-loading" aria-hidden="true">
        Loading bars…
      </div>
    </div>
  );
}
