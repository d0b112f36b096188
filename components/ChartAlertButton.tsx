'use client';

import { useDraftAlertAtLast } from './draft-alert';

/** "Add alert" on the chart: starts an alert at the last price of the chart's symbol in the Alerts panel. */
export function ChartAlertButton({ symbol }: { symbol: string }) {
  const draftAlertAtLast = useDraftAlertAtLast();
  return (
    <button type="button" className="tool" onClick={() => draftAlertAtLast(symbol)}>
      Add alert
    </button>
  );
}
