import type { IncomingMessage } from 'node:http';
import { cameOverTls, type ProxyTrust } from '../http/client-address';

export interface OriginOptions {
  /** ALLOWED_ORIGINS: exact origins, `*`, `self` (implied) and `!self`. */
  allowed: readonly string[];
  /** PUBLIC_ORIGIN, or empty: the Host header (and the scheme it came over) is the own origin. */
  publicOrigin: string;
  trusted: ProxyTrust;
}

export type Admission = { ok: true } | { ok: false; reason: 'origin not allowed' | 'host not allowed' };

/** Who may connect from a browser, and what this server's own origin is. */
export interface OriginPolicy {
  /** The origin the page was served from, as a browser serializes it; undefined without a usable Host. */
  ownOrigin(request: IncomingMessage): string | undefined;
  /**
   * Whether the request names this server: always with PUBLIC_ORIGIN unset, else its Host must be that origin's
   * (a DNS-rebinding page sends its own host name, and no Origin on a same-origin GET).
   */
  hostAllowed(request: IncomingMessage): boolean;
  /**
   * Whether a socket handshake may go on. Without an Origin (not a browser) it may, if it names this host; a
   * browser's Origin must equal, scheme, host and port, a listed origin or the own origin (unless `!self`).
   * `null` (a sandboxed frame, a file) never passes.
   */
  admit(request: IncomingMessage): Admission;
  /** Whether a page of `origin` may read API answers (CORS): listed origins only, the own needs no CORS. */
  corsAllows(origin: string): boolean;
}

/** `host` (a Host header) as a URL serializes it after `scheme`, or undefined when it is not a bare host[:port]. */
function originOf(scheme: 'http:' | 'https:', host: string): string | undefined {
  if (!/^[a-z0-9.\-[\]:]+$/i.test(host) || !URL.canParse(`${scheme}//${host}`)) return undefined;
  const url = new URL(`${scheme}//${host}`);
  return url.pathname === '/' && url.username === '' ? url.origin : undefined;
}

export function originPolicy({ allowed, publicOrigin, trusted }: OriginOptions): OriginPolicy {
  const any = allowed.includes('*');
  const self = !allowed.includes('!self');
  const listed = new Set(allowed.filter((entry) => !['*', 'self', '!self'].includes(entry)));
  const pinned = publicOrigin === '' ? undefined : new URL(publicOrigin);

  const ownOrigin = (request: IncomingMessage): string | undefined => {
    if (pinned) return pinned.origin;
    const host = request.headers.host;
    if (host === undefined) return undefined;
    return originOf(cameOverTls(request, trusted) ? 'https:' : 'http:', host);
  };

  const hostAllowed = (request: IncomingMessage): boolean => {
    if (!pinned) return true;
    const host = request.headers.host;
    return host !== undefined && originOf(pinned.protocol as 'http:' | 'https:', host) === pinned.origin;
  };

  return {
    ownOrigin,
    hostAllowed,
    admit(request) {
      if (!hostAllowed(request)) return { ok: false, reason: 'host not allowed' };
      const origin = request.headers.origin;
      if (origin === undefined) return { ok: true };
      if (origin === 'null') return { ok: false, reason: 'origin not allowed' };
      if (any || listed.has(origin)) return { ok: true };
      if (self && origin === ownOrigin(request)) return { ok: true };
      return { ok: false, reason: 'origin not allowed' };
    },
    corsAllows(origin) {
      return origin !== 'null' && (any || listed.has(origin));
    },
  };
}
