import { PREFERENCES_KEY, type Theme } from './store/preferences-store';

export type Scheme = 'dark' | 'light';

/** The media query the "system" theme follows. */
export const PREFERS_LIGHT = '(prefers-color-scheme: light)';

/** What a theme shows: the chosen one, or for "system" the browser's. */
export function resolveScheme(theme: Theme, prefersLight: boolean): Scheme {
  if (theme === 'system') return prefersLight ? 'light' : 'dark';
  return theme;
}

/**
 * The inline script the layout puts first in `<head>`: it reads the saved theme from the preferences in
 * localStorage and sets `data-theme` (the choice, absent for "system") and `data-scheme` (dark or light) on
 * `<html>` before the first paint, so a light page never flashes dark while React and the preferences load.
 * Plain ES5 in a string: it runs before any bundle, under the page's CSP nonce.
 */
export const THEME_SCRIPT = `(function(){var t='system';try{var s=JSON.parse(localStorage.getItem(${JSON.stringify(
  PREFERENCES_KEY,
)})||'null');if(s&&s.state&&(s.state.theme==='dark'||s.state.theme==='light'))t=s.state.theme}catch(e){}var r=document.documentElement;if(t==='system')delete r.dataset.theme;else r.dataset.theme=t;r.dataset.scheme=t==='system'?(matchMedia(${JSON.stringify(
  PREFERS_LIGHT,
)}).matches?'light':'dark'):t})()`;

/**
 * Shows `theme` on `root` (the same attributes as THEME_SCRIPT) and, for "system", follows the browser's
 * scheme as it changes. Returns the function that stops following.
 */
export function applyTheme(
  root: HTMLElement,
  theme: Theme,
  media: MediaQueryList = matchMedia(PREFERS_LIGHT),
): () => void {
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
  const show = () => {
    const scheme = resolveScheme(theme, media.matches);
    if (root.dataset.scheme !== scheme) root.dataset.scheme = scheme;
  };
  show();
  if (theme !== 'system') return () => {};
  media.addEventListener('change', show);
  return () => media.removeEventListener('change', show);
}
