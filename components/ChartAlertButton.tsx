'use client';

import { toPrice } from '../lib/instrument';
import { useMarketStore, usePreferencesStore } from './StoreProvider';

/** "Add alert" on the chart: starts an alert at the last price of the chart's symbol in the Alerts panel. */
export function ChartAlertButton({ symbol }: { symbol: string }) {
  const market = useMarketStore();
  const preferences = usePreferencesStore();
  return (
    <button
      type="button"
      className="tool"
      onClick={() => {
        const { book, instruments } = market.getState();
        const quote = book[symbol]?.quote;
        const instrument = instruments[symbol];
        if (!quote || !instrument) return;
        preferences.getState().draftAlert({
          symbol,
          metric: 'price',
          direction: 'above',
          level: toPrice(quote.last, instrument),
        });
      }}
    >
      Add alert
    </button>
  );
}
