import { toTicks } from '../../lib/instrument';
import type { Ticks } from '../../lib/nominal';
import type { SparklinesResponse } from '../../lib/protocol';
import type { MarketStore } from './market-store';

/** Symbols one `GET /api/sparklines` may ask for (the API's bound, as for /api/quotes). */
export const INTRADAY_BATCH = 50;

export interface IntradayLoaderOptions {
  /** One request of `GET /api/sparklines` for at most INTRADAY_BATCH symbols. */
  fetchSeries: (symbols: readonly string[]) => Promise<SparklinesResponse>;
  onError: (message: string) => void;
}

/**
 * Keeps the market store's `intraday` series for every board symbol: when symbols join the board (and their
 * instruments are known), their series are asked for in batches of INTRADAY_BATCH, one request per batch, never
 * one per row and never a chart stream. A symbol's series is asked for once, and again after an outage (the feed
 * live again); the live quotes extend it meanwhile (see Sparkline). Returns the function that stops.
 */
export function loadIntraday(
  market: MarketStore,
  { fetchSeries, onError }: IntradayLoaderOptions,
): () => void {
  /** Asked for, or held: not asked again. */
  const asked = new Set<string>();
  let stopped = false;

  const load = async (symbols: readonly string[]) => {
    let response: SparklinesResponse;
    try {
      response = await fetchSeries(symbols);
    } catch (error) {
      // Asked again on the next board change; the sparklines start from the live quotes meanwhile.
      for (const symbol of symbols) asked.delete(symbol);
      if (!stopped) onError(`intraday history: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (stopped) return;
    const { instruments } = market.getState();
    const series: Record<string, readonly Ticks[]> = {};
    for (const { symbol, closes } of response.sparklines) {
      const instrument = instruments[symbol];
      if (instrument) series[symbol] = closes.map((close) => toTicks(close, instrument));
    }
    market.getState().putIntraday(series);
  };

  const reconcile = () => {
    const { watchlist, instruments } = market.getState();
    const shown = new Set(watchlist);
    // A symbol that left the board is asked for again should it come back (its series would be old by then).
    for (const symbol of asked) if (!shown.has(symbol)) asked.delete(symbol);
    if (Object.keys(market.getState().intraday).some((symbol) => !shown.has(symbol)))
      market.getState().putIntraday({});
    const wanted = watchlist.filter((symbol) => !asked.has(symbol) && instruments[symbol] !== undefined);
    for (const symbol of wanted) asked.add(symbol);
    for (let i = 0; i < wanted.length; i += INTRADAY_BATCH) void load(wanted.slice(i, i + INTRADAY_BATCH));
  };

  /** Whether the feed has been live since the loader started. */
  let wasLive = market.getState().status === 'live';
  const stop = market.subscribe((state, previous) => {
    if (state.status === 'live' && previous.status !== 'live') {
      // Back after an outage: the live tails missed what happened meanwhile, so every series is asked again.
      if (wasLive) asked.clear();
      wasLive = true;
      reconcile();
    } else if (state.watchlist !== previous.watchlist || state.instruments !== previous.instruments)
      reconcile();
  });
  reconcile();
  return () => {
    stopped = true;
    stop();
  };
}
