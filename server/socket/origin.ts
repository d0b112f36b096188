import type { IncomingMessage } from 'node:http';

/**
 * Whether a handshake's Origin may open a socket. Requests without an Origin (not from a browser) pass; a
 * browser's must equal an allowed origin, or with no list configured, be the page's own origin.
 */
export function originAllowed(request: IncomingMessage, allowed: readonly string[]): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (allowed.includes('*') || allowed.includes(origin)) return true;
  if (allowed.length > 0) return false;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}
