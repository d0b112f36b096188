'use client';

import { ChartAlertButton } from './ChartAlertButton';
import { ChartBanner } from './ChartBanner';
import { ChartHeader } from './ChartHeader';
import { IntervalSwitcher } from './IntervalSwitcher';
import { PriceChart } from './PriceChart';
import { useMarket, usePreferences } from './StoreProvider';

/** The selected symbol's header, interval switcher and chart. */
export function ChartPanel({ ready, onError }: { ready: boolean; onError: (message: string) => void }) {
  const selected = useMarket((s) => s.selected);
  const index = usePreferences((s) => s.activeChart);
  const symbol = ready ? selected : undefined;

  return (
    <section className="chart-panel" aria-label={symbol ? `Chart ${symbol}` : 'Chart'}>
      <div className="chart-bar">
        {symbol ? <ChartHeader symbol={symbol} /> : <header className="chart-header" />}
        {symbol && <ChartAlertButton symbol={symbol} />}
        <IntervalSwitcher index={index} />
      </div>
      <PriceChart onError={onError} />
      <ChartBanner />
      {ready && !selected && <p className="chart-empty">Add a symbol to chart it.</p>}
    </section>
  );
}
