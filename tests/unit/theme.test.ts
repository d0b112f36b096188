import { describe, expect, it } from 'vitest';
import { PREFERENCES_KEY } from '../../components/store/preferences-store';
import { applyTheme, resolveScheme, THEME_SCRIPT } from '../../components/theme';

/** Runs the inline theme script against a page whose localStorage holds `saved` and whose browser prefers `light`. */
function runScript(saved: string | null, prefersLight: boolean, dataset: Record<string, string> = {}) {
  const storage = { getItem: (key: string) => (key === PREFERENCES_KEY ? saved : null) };
  const document = { documentElement: { dataset } };
  const matchMedia = (query: string) => ({ matches: prefersLight && query.includes('light') });
  new Function('document', 'localStorage', 'matchMedia', THEME_SCRIPT)(document, storage, matchMedia);
  return dataset;
}

const saved = (theme: string) => JSON.stringify({ state: { theme }, version: 1 });

describe('the inline theme script', () => {
  it('shows a saved light theme as light whatever the browser prefers', () => {
    expect(runScript(saved('light'), false)).toEqual({ theme: 'light', scheme: 'light' });
  });

  it('shows a saved dark theme as dark on a browser that prefers light', () => {
    expect(runScript(saved('dark'), true)).toEqual({ theme: 'dark', scheme: 'dark' });
  });

  it('follows the browser for the system theme, for nothing saved and for what does not parse', () => {
    expect(runScript(saved('system'), true)).toEqual({ scheme: 'light' });
    expect(runScript(null, true)).toEqual({ scheme: 'light' });
    expect(runScript('{not json', false, { theme: 'light' })).toEqual({ scheme: 'dark' });
    expect(runScript(saved('purple'), false)).toEqual({ scheme: 'dark' });
  });
});

/** A media query list whose `matches` the test flips, telling its listeners. */
function fakeMedia(matches: boolean) {
  const listeners = new Set<() => void>();
  return {
    matches,
    addEventListener: (_: string, listener: () => void) => listeners.add(listener),
    removeEventListener: (_: string, listener: () => void) => listeners.delete(listener),
    flip(to: boolean) {
      this.matches = to;
      for (const listener of listeners) listener();
    },
    listeners,
  };
}

describe('applyTheme', () => {
  it('resolves system to the browser preference and a choice to itself', () => {
    expect(resolveScheme('system', true)).toBe('light');
    expect(resolveScheme('system', false)).toBe('dark');
    expect(resolveScheme('light', false)).toBe('light');
    expect(resolveScheme('dark', true)).toBe('dark');
  });

  it('follows the browser while the theme is system, and stops when told', () => {
    const root = { dataset: { theme: 'light' } as Record<string, string> };
    const media = fakeMedia(false);
    const stop = applyTheme(root as unknown as HTMLElement, 'system', media as unknown as MediaQueryList);
    expect(root.dataset).toEqual({ scheme: 'dark' });
    media.flip(true);
    expect(root.dataset.scheme).toBe('light');
    stop();
    expect(media.listeners.size).toBe(0);
  });

  it('keeps a chosen theme whatever the browser does', () => {
    const root = { dataset: {} as Record<string, string> };
    const media = fakeMedia(true);
    applyTheme(root as unknown as HTMLElement, 'dark', media as unknown as MediaQueryList);
    expect(root.dataset).toEqual({ theme: 'dark', scheme: 'dark' });
    expect(media.listeners.size).toBe(0);
  });
});
