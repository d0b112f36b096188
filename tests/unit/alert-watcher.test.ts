import { describe, expect, it } from 'vitest';
import { watchAlerts } from '../../components/store/alert-watcher';
import { createMarketStore } from '../../components/store/market-store';
import { createPreferencesStore } from '../../components/store/preferences-store';
import type { Alert } from '../../lib/alerts';
import type { Instrument } from '../../lib/instrument';
import { QUOTE_FIELDS, SNAPSHOT } from '../../lib/quote';

const aapl: Instrument = {
  symbol: 'AAPL',
  name: 'Apple',
  assetClass: 'equity',
  tickSize: 0.01,
  precision: 2,
  lotSize: 1,
  sizePrecision: 0,
  currency: 'USD',
};

/** A mask with only `last` (bit 0) set: a delta that moves the last price by `change` ticks. */
const lastMask = 1 << QUOTE_FIELDS.indexOf('last');

function setUp() {
  const market = createMarketStore({ watchlist: ['AAPL'] });
  const saved = new Map<string, string>();
  const preferences = createPreferencesStore(undefined, () => ({
    getItem: (key) => saved.get(key) ?? null,
    setItem: (key, value) => void saved.set(key, value),
    removeItem: (key) => void saved.delete(key),
  }));
  market.getState().setInstruments([aapl]);
  // last 100.00, everything else plausible.
  market
    .getState()
    .applySnapshots([['AAPL', 1, SNAPSHOT, 10000, 9999, 10001, 10000, 10000, 10000, 10000, 0, 0]]);
  const fired: [Alert, number][] = [];
  const stop = watchAlerts(market, preferences, (alert, value) => fired.push([alert, value]));
  return { market, preferences, fired, stop };
}

describe('alert watcher', () => {
  it('fires on a crossing inside frames that are never rendered, once, and marks the alert fired', () => {
    const { market, preferences, fired, stop } = setUp();
    preferences.getState().addAlert({ symbol: 'AAPL', metric: 'price', direction: 'above', level: 100.05 });
    // Up through the level and back down again in two frames applied back to back.
    market.getState().applyFrame({ t: 1, q: [['AAPL', 2, lastMask, 10]] });
    market.getState().applyFrame({ t: 2, q: [['AAPL', 3, lastMask, -10]] });
    market.getState().applyFrame({ t: 3, q: [['AAPL', 4, lastMask, 10]] });
    expect(fired.map(([alert, value]) => [alert.level, value])).toEqual([[100.05, 100.1]]);
    expect(preferences.getState().alerts[0]?.firedAt).toBeTypeOf('number');
    stop();
  });

  it('starts a re-armed alert from the price at re-arming', () => {
    const { market, preferences, fired, stop } = setUp();
    const id = preferences
      .getState()
      .addAlert({ symbol: 'AAPL', metric: 'price', direction: 'below', level: 99.5 });
    market.getState().applyFrame({ t: 1, q: [['AAPL', 2, lastMask, -100]] });
    expect(fired).toHaveLength(1);
    preferences.getState().updateAlert(id, { firedAt: undefined });
    market.getState().applyFrame({ t: 2, q: [['AAPL', 3, lastMask, -1]] });
    expect(fired).toHaveLength(1);
    market.getState().applyFrame({ t: 3, q: [['AAPL', 4, lastMask, 60]] });
    market.getState().applyFrame({ t: 4, q: [['AAPL', 5, lastMask, -60]] });
    expect(fired).toHaveLength(2);
    stop();
  });
});
