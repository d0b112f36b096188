'use client';

import { ChartHeader } from './ChartHeader';
import { ExportCsvButton } from './ExportCsvButton';
import { IntervalSwitcher } from './IntervalSwitcher';
import { PriceChart } from './PriceChart';
import { useMarket } from './StoreProvider';

/** The selected symbol's header, interval switcher and chart. */
export function ChartPanel({ ready, onError }: { ready: boolean; onError: (message: string) => void }) {
  const selected = useMarket((s) => s.selected);
  const symbol = ready ? selected : undefined;

  return (
    <section className="chart-panel" aria-label={symbol ? `Chart ${symbol}` : 'Chart'}>
      <div className="chart-bar">
        {symbol ? <ChartHeader symbol={symbol} /> : <header className="chart-header" />}
        <div className="chart-tools">
          <IntervalSwitcher />
          <ExportCsvButton />
        </div>
      </div>
      <PriceChart onError={onError} />
      {ready && !selected && <p className="chart-empty">Add a symbol to chart it.</p>}
    </section>
  );
}
