'use client';

import { useEffect, useState } from 'react';
import { onTokenLink, pageToken } from './auth-token';
import { connectFeed } from './store/feed-connection';
import type { PageStore } from './StoreProvider';

/** A problem stays in the status line this long unless another replaces it. */
const PROBLEM_SHOWN_MS = 10_000;

export interface MarketFeed {
  /** The persisted watchlist, selection and interval are loaded; until then the defaults would flash by. */
  hydrated: boolean;
  /** The last thing that went wrong, for the status line, for a while. */
  problem: string | undefined;
  /** Shows a problem in the status line. */
  report: (message: string) => void;
}

/**
 * Brings the page's store to life after mount: restores what was persisted, then connects the feed (which loads
 * the instruments too). Everything it starts is stopped on unmount.
 */
export function useMarketFeed(store: PageStore): MarketFeed {
  // Always false at first: the server has no localStorage (its store has no persist API at all), and the
  // client's first render must match the server's.
  const [hydrated, setHydrated] = useState(false);
  const [problem, setProblem] = useState<string | undefined>(undefined);

  useEffect(() => {
    const stop = store.persist.onFinishHydration(() => setHydrated(true));
    void store.persist.rehydrate();
    return stop;
  }, [store]);

  useEffect(() => {
    if (problem === undefined) return;
    const fade = setTimeout(() => setProblem(undefined), PROBLEM_SHOWN_MS);
    return () => clearTimeout(fade);
  }, [problem]);

  useEffect(() => {
    // Connecting only once the persisted watchlist is in avoids subscribing the defaults and dropping them again.
    if (!hydrated) return;
    return connectFeed(store, { onError: setProblem, token: pageToken });
  }, [store, hydrated]);

  // A new token link opened in this tab: start again with it (instruments, history and feed all need it).
  useEffect(() => onTokenLink(() => window.location.reload()), []);

  return { hydrated, problem, report: setProblem };
}
