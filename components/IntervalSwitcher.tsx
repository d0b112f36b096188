'use client';

import { INTERVALS } from '../lib/intervals';
import { useMarket, useMarketStore } from './StoreProvider';

/** Toggle buttons for the chart's bar interval. */
export function IntervalSwitcher() {
  const store = useMarketStore();
  const interval = useMarket((s) => s.interval);
  return (
    <div role="group" aria-label="Interval" className="intervals">
      {INTERVALS.map((option) => (
        <button
          key={option}
          type="button"
          aria-pressed={option === interval}
          onClick={() => store.getState().setInterval(option)}
        >
          {option}
        </button>
      ))}
    </div>
  );
}
