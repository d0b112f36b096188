'use client';

import { INTERVALS } from '../lib/intervals';
import { usePreferences, usePreferencesStore } from './StoreProvider';

/** Toggle buttons for the bar interval of chart `index`. */
export function IntervalSwitcher({ index }: { index: number }) {
  const preferences = usePreferencesStore();
  const interval = usePreferences((s) => s.charts[index]?.interval);
  return (
    <div role="group" aria-label="Interval" className="intervals">
      {INTERVALS.map((option) => (
        <button
          key={option}
          type="button"
          aria-pressed={option === interval}
          onClick={() => preferences.getState().updateChart(index, { interval: option })}
        >
          {option}
        </button>
      ))}
    </div>
  );
}
