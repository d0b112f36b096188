import { describe, expect, it } from 'vitest';
import type { StateStorage } from 'zustand/middleware';
import {
  createPreferencesStore,
  defaultPreferences,
  LEGACY_KEY,
  PREFERENCES_KEY,
} from '../../components/store/preferences-store';

const memory = (items: Record<string, string>): StateStorage => ({
  getItem: (key) => items[key] ?? null,
  setItem: (key, value) => {
    items[key] = value;
  },
  removeItem: (key) => {
    delete items[key];
  },
});

const legacy = JSON.stringify({
  state: { watchlist: ['MSFT', 'ETH-USD'], selected: 'ETH-USD', interval: '5m' },
  version: 0,
});

async function hydrated(items: Record<string, string>) {
  const store = createPreferencesStore(undefined, () => memory(items));
  await store.persist.rehydrate();
  return store.getState();
}

describe('preferences saved by the single-list dashboard', () => {
  it('become the default list and the first chart when nothing newer is saved', async () => {
    const state = await hydrated({ [LEGACY_KEY]: legacy });
    expect(state.lists).toEqual([{ id: 'default', name: 'Watchlist', symbols: ['MSFT', 'ETH-USD'] }]);
    expect(state.charts[0]).toMatchObject({ symbol: 'ETH-USD', interval: '5m' });
    expect(state.charts.slice(1)).toEqual(defaultPreferences().charts.slice(1));
  });

  it('are ignored once preferences of their own are saved', async () => {
    const saved = JSON.stringify({
      state: { lists: [{ id: 'a', name: 'Mine', symbols: ['NVDA'] }], activeListId: 'a' },
      version: 1,
    });
    const state = await hydrated({ [LEGACY_KEY]: legacy, [PREFERENCES_KEY]: saved });
    expect(state.lists).toEqual([{ id: 'a', name: 'Mine', symbols: ['NVDA'] }]);
  });

  it('leave the defaults when they do not parse', async () => {
    for (const bad of ['{', 'null', '{"state":{"watchlist":[1,2]}}', '{"state":"x"}']) {
      const state = await hydrated({ [LEGACY_KEY]: bad });
      expect(state.lists, bad).toEqual(defaultPreferences().lists);
    }
  });
});
