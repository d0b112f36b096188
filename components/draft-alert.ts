'use client';

import { useCallback } from 'react';
import { toPrice } from '../lib/instrument';
import { useMarketStore, usePreferencesStore } from './StoreProvider';

/**
 * Starts a price alert at a symbol's last price in the Alerts panel (the row's bell and the chart's "Add alert").
 * Does nothing before the symbol's first quote.
 */
export function useDraftAlertAtLast(): (symbol: string) => void {
  const market = useMarketStore();
  const preferences = usePreferencesStore();
  return useCallback(
    (symbol: string) => {
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
    },
    [market, preferences],
  );
}
