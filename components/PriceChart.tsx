'use client';

import { useEffect, useRef } from 'react';
import { ensureDefined } from '../lib/assert';
import { ChartLegend, type LegendHandle } from './ChartLegend';
import { mountChart, type ChartHandle } from './chart-view';
import type { BarNeeds } from './bar-needs';
import type { CrosshairBus } from './crosshair-bus';
import { useMarketStore, usePreferencesStore } from './StoreProvider';

interface PriceChartProps {
  index: number;
  crosshair: CrosshairBus;
  needs: BarNeeds;
  onError: (message: string) => void;
}

/**
 * Chart `index` of the layout. It renders once; after that the chart follows the stores by itself (see
 * chart-view.ts), so ticks never re-render React.
 */
export function PriceChart({ index, crosshair, needs, onError }: PriceChartProps) {
  const market = useMarketStore();
  const preferences = usePreferencesStore();
  const host = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLDivElement>(null);
  const quality = useRef<HTMLSpanElement>(null);
  const legend = useRef<LegendHandle>(null);
  const handle = useRef<ChartHandle | null>(null);

  useEffect(() => {
    const mounted = mountChart({
      host: ensureDefined(host.current, 'chart host is not mounted'),
      canvas: ensureDefined(canvas.current, 'chart canvas is not mounted'),
      quality: () => quality.current,
      market,
      preferences,
      index,
      crosshair,
      needs,
      legend: () => legend.current,
      onError,
    });
    handle.current = mounted;
    return () => {
      handle.current = null;
      mounted.remove();
    };
  }, [market, preferences, index, crosshair, needs, onError]);

  return (
    <div ref={host} className="chart" data-testid="price-chart">
      <div ref={canvas} className="chart-canvas" />
      <ChartLegend ref={legend} />
      <span ref={quality} className="chart-quality" data-testid="chart-quality" />
      <button type="button" className="tool chart-newest" onClick={() => handle.current?.scrollToNewest()}>
        Jump to newest bar
      </button>
      <div className="chart-loading" aria-hidden="true">
        Loading bars…
      </div>
    </div>
  );
}
