'use client';

import { useEffect, useState } from 'react';
import { ChartPanel } from './ChartPanel';
import { createBarNeeds } from './bar-needs';
import { createCrosshairBus } from './crosshair-bus';
import { usePreferences } from './StoreProvider';

/** The layout's 1, 2 or 4 charts, sharing one crosshair time and what each needs of a stream's bars. */
export function ChartGrid({ ready, onError }: { ready: boolean; onError: (message: string) => void }) {
  const layout = usePreferences((s) => s.layout);
  const [crosshair] = useState(createCrosshairBus);
  const [needs] = useState(createBarNeeds);
  // The charts read their colours from the stylesheet once: each change of the scheme shown (a theme chosen,
  // or the browser's under the system theme) is counted, and mounts them again.
  const [schemeChanges, setSchemeChanges] = useState(0);
  useEffect(() => {
    const observer = new MutationObserver(() => setSchemeChanges((n) => n + 1));
    observer.observe(document.documentElement, { attributeFilter: ['data-scheme'] });
    return () => observer.disconnect();
  }, []);
  return (
    <div id="charts" className="charts" data-layout={layout}>
      {Array.from({ length: layout }, (_, index) => (
        <ChartPanel
          key={`${index} ${schemeChanges}`}
          index={index}
          ready={ready}
          crosshair={crosshair}
          needs={needs}
          onError={onError}
        />
      ))}
    </div>
  );
}
