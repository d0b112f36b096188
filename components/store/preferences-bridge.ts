import { streamKey } from '../../lib/chart-bars';
import type { CandleStreamRef } from '../../lib/protocol';
import { keepWantedCharts, type MarketStore } from './market-store';
import {
  boardSymbols,
  visibleCharts,
  type PreferencesState,
  type PreferencesStore,
} from './preferences-store';

/** The distinct streams of the charts the layout shows. */
function wantedStreams(state: PreferencesState): CandleStreamRef[] {
  const streams = new Map<string, CandleStreamRef>();
  for (const slot of visibleCharts(state)) {
    if (slot.symbol === undefined) continue;
    const stream = { symbol: slot.symbol, interval: slot.interval };
    streams.set(streamKey(stream), stream);
  }
  return [...streams.values()];
}

const sameStreams = (a: readonly CandleStreamRef[], b: readonly CandleStreamRef[]) =>
  a.length === b.length && a.every((s, i) => streamKey(s) === streamKey(b[i] as CandleStreamRef));

/**
 * Keeps what the market store holds equal to what the preferences ask for: the board's symbols, the charts'
 * streams and the active chart's symbol. One way, except that a symbol the feed drops (the server does not list
 * it) is dropped from the trader's list too. Returns the function that stops both listeners.
 */
export function linkPreferences(preferences: PreferencesStore, market: MarketStore): () => void {
  let pushed: readonly string[] | undefined;

  const push = (state: PreferencesState) => {
    const symbols = boardSymbols(state);
    const current = market.getState();
    if (symbols !== pushed) {
      pushed = symbols;
      market.setState({ watchlist: symbols });
    }
    const streams = wantedStreams(state);
    if (!sameStreams(streams, current.chartStreams)) {
      market.setState({ chartStreams: streams, charts: keepWantedCharts(current.charts, streams) });
    }
    const selected = state.charts[state.activeChart]?.symbol;
    if (selected !== current.selected) market.setState({ selected });
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
