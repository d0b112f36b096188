import { vi } from 'vitest';

function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    key: (index: number) => [...items.keys()][index] ?? null,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}

/**
 * What the dashboard's store and feed connection use of a browser, for running them in Node: a `window` that
 * dispatches online and offline events, with a location (no `#token=`), and localStorage and sessionStorage.
 * Undo with `vi.unstubAllGlobals()`.
 */
export function stubBrowser(): void {
  const window = Object.assign(new EventTarget(), {
    location: { hash: '', pathname: '/', search: '' },
    history: { state: null, replaceState: () => {} },
    sessionStorage: memoryStorage(),
  });
  vi.stubGlobal('window', window);
  vi.stubGlobal('localStorage', memoryStorage());
}
