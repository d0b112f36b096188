'use client';

import { createContext, useContext, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { ensureDefined } from '../lib/assert';
import { createLinkStats, type LinkStats } from './store/link-stats';
import { createMarketStore, type MarketActions, type MarketState } from './store/market-store';
import { createPreferencesStore, type Preferences, type PreferencesStore } from './store/preferences-store';

export type PageStore = ReturnType<typeof createMarketStore>;
type Market = MarketState & MarketActions;

interface PageStores {
  market: PageStore;
  stats: LinkStats;
  preferences: PreferencesStore & ReturnType<typeof createPreferencesStore>;
}

const StoreContext = createContext<PageStores | null>(null);

/**
 * Gives the page its own two stores: the live market data and the trader's persisted preferences. Created here
 * rather than in a module so that no state is shared between requests on the server, and so that server
 * components can never reach them.
 */
export function StoreProvider({ children }: { children: ReactNode }) {
  const [stores] = useState<PageStores>(() => ({
    market: createMarketStore(),
    stats: createLinkStats(),
    preferences: createPreferencesStore(),
  }));
  return <StoreContext value={stores}>{children}</StoreContext>;
}

function usePageStores(): PageStores {
  return ensureDefined(useContext(StoreContext), 'the page stores need a <StoreProvider> above them');
}

/** The page's market store, for effects and event handlers that read or act on it without rendering. */
export function useMarketStore(): PageStore {
  return usePageStores().market;
}

/** The connection's counters (round trip, updates a second), read by the badge on a timer. */
export function useLinkStats(): LinkStats {
  return usePageStores().stats;
}

/** The page's preferences store, for effects and event handlers. */
export function usePreferencesStore(): PageStores['preferences'] {
  return usePageStores().preferences;
}

/**
 * A slice of the market state; the component renders again only when the slice changes (by `Object.is`), so
 * selectors must return values the store already holds, never fresh objects.
 */
export function useMarket<T>(selector: (state: Market) => T): T {
  return useStore(useMarketStore(), selector);
}

/** A slice of the preferences, under the same rule as `useMarket`. */
export function usePreferences<T>(selector: (state: Preferences) => T): T {
  return useStore(usePreferencesStore(), selector);
}
