'use client';

import { useEffect } from 'react';
import type { Layout, Theme, TimeZoneChoice } from './store/preferences-store';
import { usePreferences, usePreferencesStore } from './StoreProvider';
import { applyTheme } from './theme';

/**
 * The page-wide settings in the top bar: chart layout, time zone and theme. The theme is applied only once the
 * preferences are in (`ready`): before that the inline theme script's choice stands, and the default "system"
 * must not replace a saved light theme for a frame.
 */
export function PageControls({ ready }: { ready: boolean }) {
  const preferences = usePreferencesStore();
  const layout = usePreferences((s) => s.layout);
  const timeZone = usePreferences((s) => s.timeZone);
  const theme = usePreferences((s) => s.theme);

  useEffect(() => {
    if (ready) return applyTheme(document.documentElement, theme);
  }, [ready, theme]);

  return (
    <div className="page-controls">
      <select
        aria-label="Layout"
        value={layout}
        onChange={(event) => preferences.getState().setLayout(Number(event.target.value) as Layout)}
      >
        <option value={1}>1 chart</option>
        <option value={2}>2 charts</option>
        <option value={4}>4 charts</option>
      </select>
      <select
        aria-label="Time zone"
        value={timeZone}
        onChange={(event) => preferences.getState().setTimeZone(event.target.value as TimeZoneChoice)}
      >
        <option value="local">Local time</option>
        <option value="utc">UTC</option>
        <option value="exchange">Exchange time</option>
      </select>
      <select
        aria-label="Theme"
        value={theme}
        onChange={(event) => preferences.getState().setTheme(event.target.value as Theme)}
      >
        <option value="system">System theme</option>
        <option value="dark">Dark</option>
        <option value="light">Light</option>
      </select>
    </div>
  );
}
