/**
 * The token the page presents when the server requires one (AUTH_SECRET set). It arrives in the page's URL
 * fragment, `https://host/#token=<token>` (`npm run token` mints one): a fragment is never sent to a server, so it
 * stays out of request lines, proxy logs and Referer headers. The page moves it to sessionStorage (this tab only,
 * gone when the tab closes) and takes it out of the address bar. It goes to the feed in the Socket.IO handshake's
 * `auth` payload and to the API as `Authorization: Bearer`, never in a URL.
 */
const STORAGE_KEY = 'tickerboard.token';

/** The token, if the page was given one; undefined without (a server without AUTH_SECRET needs none). */
export function pageToken(): string | undefined {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const fresh = fragment.get('token');
  if (fresh) {
    window.sessionStorage.setItem(STORAGE_KEY, fresh);
    fragment.delete('token');
    const rest = fragment.toString();
    const { pathname, search } = window.location;
    window.history.replaceState(window.history.state, '', `${pathname}${search}${rest ? `#${rest}` : ''}`);
  }
  return window.sessionStorage.getItem(STORAGE_KEY) ?? undefined;
}

/** Request headers that present the token to the API (none without a token). */
export function authHeaders(): Record<string, string> {
  const token = pageToken();
  return token ? { authorization: `Bearer ${token}` } : {};
}

/**
 * Calls `callback` when a new `#token=` link is opened in this tab (only the fragment changes, so the page does not
 * load again); returns the function that stops listening.
 */
export function onTokenLink(callback: () => void): () => void {
  const listener = () => {
    if (new URLSearchParams(window.location.hash.slice(1)).has('token')) callback();
  };
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
}
