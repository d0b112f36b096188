import { describe, expect, it } from 'vitest';
import { watchAlerts } from '../../components/store/alert-watcher';
import { createMarketStore } from '../../components/store/market-store';
import { createPreferencesStore } from '../../components/store/preferences-store';
import type { Alert } from '../../lib/alerts';
import type { Instrument } from '../../lib/instrument';
import type { Lots, Ticks, UnixMillis } from '../../lib/nominal';
import type { BookEntry } from '../../lib/quote-book';

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

/** The book entry of AAPL at `seq` with its last price at `last` ticks, everything else plausible. */
let last = 10000;
function entry(seq: number, price: number): BookEntry {
  last = price;
  const t = (n: number) => n as Ticks;
  return {
    seq,
    stale: false,
    quote: {
      last: t(price),
      bid: t(price - 1),
      ask: t(price + 1),
      open: t(10000),
      high: t(Math.max(10000, price)),
      low: t(Math.min(10000, price)),
      prevClose: t(10000),
      volume: 0 as Lots,
      time: 0 as UnixMillis,
    },
  };
}
/** Moves AAPL's last price by `change` ticks, as one update the store applies. */
const move = (market: ReturnType<typeof createMarketStore>, seq: number, change: number) =>
  market.getState().putQuotes({ AAPL: entry(seq, last + change) });

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
  market.getState().putQuotes({ AAPL: entry(1, 10000) });
  const fired: [Alert, number][] = [];
  const stop = watchAlerts(market, preferences, (alert, value) => fired.push([alert, value]));
  return { market, preferences, fired, stop };
}

describe('alert watcher', () => {
  it('fires on a crossing inside updates that are never rendered, once, and marks the alert fired', () => {
    const { market, preferences, fired, stop } = setUp();
    preferences.getState().addAlert({ symbol: 'AAPL', metric: 'price', direction: 'above', level: 100.05 });
    // Up through the level and back down again in updates applied back to back, with no render between.
    move(market, 2, 10);
    move(market, 3, -10);
    move(market, 4, 10);
    expect(fired.map(([alert, value]) => [alert.level, value])).toEqual([[100.05, 100.1]]);
    expect(preferences.getState().alerts[0]?.firedAt).toBeTypeOf('number');
    stop();
  });

  it('starts a re-armed alert from the price at re-arming', () => {
    const { market, preferences, fired, stop } = setUp();
    const id = preferences
      .getState()
      .addAlert({ symbol: 'AAPL', metric: 'price', direction: 'below', level: 99.5 });
    move(market, 2, -100);
    expect(fired).toHaveLength(1);
    preferences.getState().updateAlert(id, { firedAt: undefined });
    move(market, 3, -1);
    expect(fired).toHaveLength(1);
    move(market, 4, 60);
    move(market, 5, -60);
    expect(fired).toHaveLength(2);
    stop();
  });
});
