import type { MarketStore } from './market-store';
import { boardSymbols, type PreferencesState, type PreferencesStore } from './preferences-store';

/**
 * Keeps what the market store holds equal to what the preferences ask for: the board's symbols and the active
 * chart's stream. One way, except that a symbol the feed drops (the server does not list it) is dropped from the
 * trader's list too. Returns the function that stops both listeners.
 */
export function linkPreferences(preferences: PreferencesStore, market: MarketStore): () => void {
  let pushed: readonly string[] | undefined;

  const push = (state: PreferencesState) => {
    const symbols = boardSymbols(state);
    const slot = state.charts[state.activeChart];
    const current = market.getState();
    if (symbols !== pushed) {
      pushed = symbols;
      market.setState({ watchlist: symbols });
    }
    if (slot && (slot.symbol !== current.selected || slot.interval !== current.interval)) {
      market.setState({ selected: slot.symbol, interval: slot.interval });
    }
  };

  const stopPreferences = preferences.subscribe(push);
  const stopMarket = market.subscribe((state, previous) => {
    if (state.watchlist === previous.watchlist || state.watchlist === pushed) return;
    const kept = new Set(state.watchlist);
    for (const symbol of pushed ?? []) if (!kept.has(symbol)) preferences.getState().removeSymbol(symbol);
    push(preferences.getState());
  });
  push(preferences.getState());
  return () => {
    stopPreferences();
    stopMarket();
  };
}
