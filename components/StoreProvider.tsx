'use client';

import { createContext, useContext, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { ensureDefined } from '../lib/assert';
import { createMarketStore, type MarketActions, type MarketState } from './store/market-store';

export type PageStore = ReturnType<typeof createMarketStore>;
type Market = MarketState & MarketActions;

const StoreContext = createContext<PageStore | null>(null);

/**
 * Gives the page its own market store. Created here rather than in a module so that no state is shared between
 * requests on the server, and so that server components can never reach it.
 */
export function StoreProvider({ children }: { children: ReactNode }) {
  const [store] = useState(() => createMarketStore());
  return <StoreContext value={store}>{children}</StoreContext>;
}

/** The page's store, for effects and event handlers that read or act on it without rendering. */
export function useMarketStore(): PageStore {
  return ensureDefined(useContext(StoreContext), 'useMarketStore needs a <StoreProvider> above it');
}

/**
 * A slice of the market state; the component renders again only when the slice changes (by `Object.is`), so
 * selectors must return values the store already holds, never fresh objects.
 */
export function useMarket<T>(selector: (state: Market) => T): T {
  return useStore(useMarketStore(), selector);
}
