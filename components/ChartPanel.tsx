'use client';

import { ChartAlertButton } from './ChartAlertButton';
import { ChartBanner } from './ChartBanner';
import { ChartHeader } from './ChartHeader';
import { ChartTools } from './ChartTools';
import { ExportCsvButton } from './ExportCsvButton';
import type { BarNeeds } from './bar-needs';
import type { CrosshairBus } from './crosshair-bus';
import { IntervalSwitcher } from './IntervalSwitcher';
import { PriceChart } from './PriceChart';
import { usePreferences, usePreferencesStore } from './StoreProvider';

interface ChartPanelProps {
  index: number;
  ready: boolean;
  crosshair: CrosshairBus;
  needs: BarNeeds;
  onError: (message: string) => void;
}

/**
 * Chart `index` of the layout with its header, tools and interval switcher. Using it (a click, focus inside)
 * makes it the active chart, the one a click on a board row changes.
 */
export function ChartPanel({ index, ready, crosshair, needs, onError }: ChartPanelProps) {
  const preferences = usePreferencesStore();
  const selected = usePreferences((s) => s.charts[index]?.symbol);
  const active = usePreferences((s) => s.activeChart === index && s.layout > 1);
  const symbol = ready ? selected : undefined;
  const activate = () => {
    if (preferences.getState().activeChart !== index) preferences.getState().setActiveChart(index);
  };

  return (
    <section
      className="chart-panel"
      aria-label={symbol ? `Chart ${symbol}` : 'Chart'}
      data-active={active ? 'true' : undefined}
      onPointerDown={activate}
      onFocus={activate}
    >
      <div className="chart-bar">
        {symbol ? <ChartHeader symbol={symbol} /> : <header className="chart-header" />}
        <div className="chart-controls">
          <ChartTools index={index} />
          {symbol && <ChartAlertButton symbol={symbol} />}
          <IntervalSwitcher index={index} />
          <ExportCsvButton index={index} />
        </div>
      </div>
      <PriceChart index={index} crosshair={crosshair} needs={needs} onError={onError} />
      <ChartBanner index={index} />
      {ready && !selected && <p className="chart-empty">Add a symbol to chart it.</p>}
    </section>
  );
}
