'use client';

import { useMemo, useState, useSyncExternalStore } from 'react';
import type { BookEntry } from '../lib/quote-book';
import { watchOnScreen } from './on-screen';
import type { MarketStore } from './store/market-store';
import { useMarketStore } from './StoreProvider';

/** A row out of view shows a quote this old at most (plus TRAILING_MS when its updates stop). */
export const OFF_SCREEN_MS = 1000;

/**
 * How much later than OFF_SCREEN_MS a row out of view looks again by itself: its own next change (every 250 ms
 * on the board) normally comes first and shows it, in the same render as the rows on screen.
 */
const TRAILING_MS = 300;

/** Rows out of view with a change not shown yet, by when they show it at the latest: one timer for them all. */
const waiting = new Map<() => void, number>();
let sweeper: ReturnType<typeof setTimeout> | undefined;

function sweep() {
  sweeper = undefined;
  const now = Date.now();
  // All in one task, so React renders them together.
  for (const [show, due] of waiting) if (due <= now) show();
  if (waiting.size > 0) sweeper = setTimeout(sweep, TRAILING_MS);
}

function showBy(show: () => void, due: number) {
  if (!waiting.has(show)) waiting.set(show, due);
  sweeper ??= setTimeout(sweep, TRAILING_MS);
}

/** What a row shows of the store, and when it is told to look again. */
function rowSource(market: MarketStore, symbol: string, element: Element | null) {
  let shown = market.getState().book[symbol];
  return {
    snapshot: () => shown,
    subscribe: (notify: () => void) => {
      // Until the observer's first report, a row counts as on screen.
      let onScreen = true;
      let shownAt = 0;
      const show = () => {
        waiting.delete(show);
        const current = market.getState().book[symbol];
        if (current === shown) return;
        shown = current;
        shownAt = Date.now();
        notify();
      };
      const stopStore = market.subscribe((state, previous) => {
        if (state.book[symbol] === previous.book[symbol]) return;
        const wait = onScreen ? 0 : shownAt + OFF_SCREEN_MS - Date.now();
        if (wait <= 0) show();
        else showBy(show, Date.now() + wait + TRAILING_MS);
      });
      const stopScreen = element
        ? watchOnScreen(element, (now) => {
            onScreen = now;
            if (now) show();
          })
        : () => {};
      show();
      return () => {
        stopStore();
        stopScreen();
        waiting.delete(show);
      };
    },
  };
}

/**
 * The book entry a board row shows, and the ref for the row's element: on screen, every change the store
 * applies (each re-renders the row); off screen, at its first change a second or more after it last showed one
 * (so rows out of view join the renders of the rows on screen, a few each time, rather than all at once), and
 * at once when the row comes into view. Rows scrolled away are most of a long board, and no
 * longer cost a render, a layout and the DOM writes of every tick; what reads the quotes themselves (alerts,
 * sorting, the charts) reads the store.
 */
export function useRowEntry(symbol: string): [BookEntry | undefined, (element: Element | null) => void] {
  const market = useMarketStore();
  const [element, setElement] = useState<Element | null>(null);
  const source = useMemo(() => rowSource(market, symbol, element), [market, symbol, element]);
  return [useSyncExternalStore(source.subscribe, source.snapshot, source.snapshot), setElement];
}
