'use client';

import { useState } from 'react';
import { ChartPanel } from './ChartPanel';
import { createCrosshairBus } from './crosshair-bus';
import { usePreferences } from './StoreProvider';

/** The layout's 1, 2 or 4 charts, sharing one crosshair time. */
export function ChartGrid({ ready, onError }: { ready: boolean; onError: (message: string) => void }) {
  const layout = usePreferences((s) => s.layout);
  const theme = usePreferences((s) => s.theme);
  const [crosshair] = useState(createCrosshairBus);
  return (
    <div id="charts" className="charts" data-layout={layout}>
      {Array.from({ length: layout }, (_, index) => (
        // A theme change mounts the charts again: they read their colours from the stylesheet once.
        <ChartPanel
          key={`${index} ${theme}`}
          index={index}
          ready={ready}
          crosshair={crosshair}
          onError={onError}
        />
      ))}
    </div>
  );
}
