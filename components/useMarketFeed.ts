'use client';

import { useEffect, useState } from 'react';
import { parseSymbolsParam } from '../lib/watchlists';
import { onTokenLink, pageToken } from './auth-token';
import { fetchSparklines } from '@tickerboard/client';
import { connectFeed } from './store/feed-connection';
import { loadIntraday } from './store/intraday-loader';
import { linkPreferences } from './store/preferences-bridge';
import { useLinkStats, useMarketStore, usePreferencesStore } from './StoreProvider';

/** A problem stays in the status line this long unless another replaces it. */
const PROBLEM_SHOWN_MS = 10_000;

export interface MarketFeed {
  /** The persisted preferences are loaded; until then the defaults would flash by. */
  hydrated: boolean;
  /** The last thing that went wrong, for the status line, for a while. */
  problem: string | undefined;
  /** Shows a problem in the status line. */
  report: (message: string) => void;
}

/**
 * Brings the page's stores to life after mount: restores the preferences (and opens a `?symbols=` link),
 * links them to the market store and connects the feed (which loads the instruments too). Everything it starts
 * is stopped on unmount.
 */
export function useMarketFeed(): MarketFeed {
  const store = useMarketStore();
  const preferences = usePreferencesStore();
  const stats = useLinkStats();
  // Always false at first: the server has no localStorage (its store has no persist API at all), and the
  // client's first render must match the server's.
  const [hydrated, setHydrated] = useState(false);
  const [problem, setProblem] = useState<string | undefined>(undefined);

  useEffect(() => {
    const stop = preferences.persist.onFinishHydration(() => {
      const linked = parseSymbolsParam(new URLSearchParams(window.location.search).get('symbols'));
      if (linked.length > 0) preferences.getState().openLink(linked);
      setHydrated(true);
    });
    void preferences.persist.rehydrate();
    return stop;
  }, [preferences]);

  useEffect(() => {
    if (!hydrated) return;
    return linkPreferences(preferences, store);
  }, [preferences, store, hydrated]);

  useEffect(() => {
    if (problem === undefined) return;
    const fade = setTimeout(() => setProblem(undefined), PROBLEM_SHOWN_MS);
    return () => clearTimeout(fade);
  }, [problem]);

  useEffect(() => {
    // Connecting only once the persisted watchlist is in avoids subscribing the defaults and dropping them again.
    if (!hydrated) return;
    return connectFeed(store, { onError: setProblem, stats, token: pageToken });
  }, [store, stats, hydrated]);

  useEffect(() => {
    if (!hydrated) return;
    return loadIntraday(store, {
      fetchSeries: (symbols) => fetchSparklines(symbols, { base: '', token: pageToken() }),
      onError: setProblem,
    });
  }, [store, hydrated]);

  // A new token link opened in this tab: start again with it (instruments, history and feed all need it).
  useEffect(() => onTokenLink(() => window.location.reload()), []);

  return { hydrated, problem, report: setProblem };
}
