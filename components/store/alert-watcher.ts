import { evaluateAlerts, metricValue, type Alert, type Seen } from '../../lib/alerts';
import type { MarketState, MarketStore } from './market-store';
import type { PreferencesStore } from './preferences-store';

/**
 * Evaluates the trader's alerts on every update the market store applies (each frame and snapshot is one
 * `set`), not on rendered frames: a level crossed and left between two paints still fires. A fired alert is
 * marked in the preferences (so it persists as fired) and handed to `onFire`. Returns the function that stops.
 */
export function watchAlerts(
  market: MarketStore,
  preferences: PreferencesStore,
  onFire: (alert: Alert, value: number) => void,
): () => void {
  let seen: Seen = {};

  const observe = (state: MarketState, symbols: Iterable<string>) => {
    const alerts = preferences.getState().alerts;
    for (const symbol of symbols) {
      const quote = state.book[symbol]?.quote;
      const instrument = state.instruments[symbol];
      if (!quote || !instrument) continue;
      const result = evaluateAlerts(alerts, seen, symbol, (metric) => metricValue(metric, quote, instrument));
      seen = result.seen;
      for (const alert of result.fired) {
        preferences.getState().updateAlert(alert.id, { firedAt: Date.now() });
        onFire(alert, metricValue(alert.metric, quote, instrument));
      }
    }
  };

  /** Symbols with an armed alert: the only ones a frame is looked at for. */
  let watched = new Set<string>();
  const rewatch = (alerts: readonly Alert[]) => {
    watched = new Set(alerts.filter((a) => a.firedAt === undefined).map((a) => a.symbol));
    // A new or re-armed alert starts from where its value is now; a fired one is not looked at.
    const armed = new Set(alerts.filter((a) => a.firedAt === undefined).map((a) => a.id));
    seen = Object.fromEntries(Object.entries(seen).filter(([id]) => armed.has(id)));
    observe(market.getState(), watched);
  };

  const stopMarket = market.subscribe((state, previous) => {
    if (state.book === previous.book && state.instruments === previous.instruments) return;
    const changed: string[] = [];
    for (const symbol of watched) if (state.book[symbol] !== previous.book[symbol]) changed.push(symbol);
    if (changed.length > 0) observe(state, changed);
  });
  const stopPreferences = preferences.subscribe((state, previous) => {
    if (state.alerts !== previous.alerts) rewatch(state.alerts);
  });
  rewatch(preferences.getState().alerts);
  return () => {
    stopMarket();
    stopPreferences();
  };
}
