'use client';

import { useEffect } from 'react';
import type { Layout, Theme, TimeZoneChoice } from './store/preferences-store';
import { usePreferences, usePreferencesStore } from './StoreProvider';
import { applyTheme } from './theme';
import { Choice, type Options } from './Choice';

const LAYOUTS: Options<Layout> = [
  [1, '1 chart'],
  [2, '2 charts'],
  [4, '4 charts'],
];
const TIME_ZONES: Options<TimeZoneChoice> = [
  ['local', 'Local time'],
  ['utc', 'UTC'],
  ['exchange', 'Exchange time'],
];
const THEMES: Options<Theme> = [
  ['system', 'System theme'],
  ['dark', 'Dark'],
  ['light', 'Light'],
];

/**
 * The page-wide settings in the top bar: chart layout, time zone and theme. The theme is applied only once the
 * preferences are in (`ready`): before that the inline theme script's choice stands, and the default "system"
 * must not replace a saved light theme for a frame.
 */
export function PageControls({ ready }: { ready: boolean }) {
  const state = usePreferencesStore().getState;
  const layout = usePreferences((s) => s.layout);
  const timeZone = usePreferences((s) => s.timeZone);
  const theme = usePreferences((s) => s.theme);

  useEffect(() => {
    if (ready) return applyTheme(document.documentElement, theme);
  }, [ready, theme]);

  return (
    <div className="page-controls">
      <Choice
        label="Layout"
        value={layout}
        options={LAYOUTS}
        onChange={(value) => state().setLayout(value)}
      />
      <Choice
        label="Time zone"
        value={timeZone}
        options={TIME_ZONES}
        onChange={(value) => state().setTimeZone(value)}
      />
      <Choice label="Theme" value={theme} options={THEMES} onChange={(value) => state().setTheme(value)} />
    </div>
  );
}
