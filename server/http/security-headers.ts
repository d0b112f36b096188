import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { cameOverTls, type ProxyTrust } from './client-address';

export interface SecurityHeaderOptions {
  trusted: ProxyTrust;
  /** The page's own origin for this request (connect-src for the feed's WebSocket). */
  ownOrigin: (request: IncomingMessage) => string | undefined;
  /**
   * Next in development mode evaluates code (React's dev tools, fast refresh) and injects styles, so its pages get
   * 'unsafe-eval' and inline styles; `npm start` gets neither.
   */
  dev: boolean;
}

/** Two years, the preload lists' figure; sent only on a request that came over TLS. */
const HSTS = 'max-age=63072000';

/**
 * The one inline <style> the page needs that carries no nonce: lightweight-charts 5 adds it for its TradingView
 * attribution logo, with fixed text. Its hash lets exactly that text in; a chart library upgrade that changes it
 * shows up as a violation in tests/e2e/security.spec.ts.
 */
const CHART_LOGO_STYLE = "'sha256-3pRED1tOXas1FXFoPb9TGCjmYe9XQsmO9OV23khV2nY='";

/** Headers every response of the server carries, page or API. */
function common(request: IncomingMessage, response: ServerResponse, trusted: ProxyTrust): void {
  response.setHeader('x-content-type-options', 'nosniff');
  response.setHeader('referrer-policy', 'no-referrer');
  response.setHeader('x-frame-options', 'DENY');
  response.setHeader('cross-origin-opener-policy', 'same-origin');
  if (cameOverTls(request, trusted)) response.setHeader('strict-transport-security', HSTS);
}

/** An API answer is data, never a document: it may load nothing and be framed by nobody. */
export function setApiHeaders(request: IncomingMessage, response: ServerResponse, trusted: ProxyTrust): void {
  common(request, response, trusted);
  response.setHeader('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
}

/**
 * The policy for a page: scripts only with this response's nonce (and what they load, 'strict-dynamic': Next's
 * chunks), styles from the origin, with the nonce or the chart's logo style, the feed over the own origin's ws: or wss:, no plugins, no
 * framing, no <base>, forms only to the origin.
 */
export function pagePolicy(nonce: string, feedOrigin: string | undefined, dev: boolean): string {
  const socket = feedOrigin?.replace(/^http/, 'ws');
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    // Next's development server injects its CSS and error overlay as <style> elements of its own.
    dev ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}' ${CHART_LOGO_STYLE}`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${socket ? ` ${socket}` : ''}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Sets a page's headers, with a fresh nonce in its CSP. The policy also goes on the request, where Next reads the
 * nonce and puts it on every script it renders (whatever a client sent in that header is replaced).
 */
export function setPageHeaders(
  request: IncomingMessage,
  response: ServerResponse,
  { trusted, ownOrigin, dev }: SecurityHeaderOptions,
): void {
  common(request, response, trusted);
  const policy = pagePolicy(randomBytes(16).toString('base64'), ownOrigin(request), dev);
  response.setHeader('content-security-policy', policy);
  request.headers['content-security-policy'] = policy;
  delete request.headers['content-security-policy-report-only'];
}
