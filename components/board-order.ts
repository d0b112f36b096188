'use client';

import { useEffect, useMemo, useState } from 'react';
import { RESORT_MS, sortSymbols, type BoardSort } from '../lib/board-columns';
import { useMarketStore } from './StoreProvider';

/**
 * The board's rows in display order: the list's own order, or sorted by `sort` from the quotes as they are at
 * most RESORT_MS ago. Sorting again only on a timer (and when the sort or the list change) keeps the rows still
 * under a finger or a pointer between re-sorts.
 */
export function useBoardOrder(symbols: readonly string[], sort: BoardSort | undefined): readonly string[] {
  const market = useMarketStore();
  const [epoch, setEpoch] = useState(0);

  useEffect(() => {
    if (!sort) return;
    const timer = setInterval(() => setEpoch((n) => n + 1), RESORT_MS);
    return () => clearInterval(timer);
  }, [sort]);

  return useMemo(() => {
    if (!sort) return symbols;
    const { book, instruments } = market.getState();
    void epoch;
    return sortSymbols(symbols, sort, (symbol) => ({
      quote: book[symbol]?.quote,
      instrument: instruments[symbol],
    }));
  }, [symbols, sort, market, epoch]);
}
