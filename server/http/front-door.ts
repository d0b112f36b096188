import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger';
import type { OriginPolicy } from '../socket/origin';
import type { ApiHandler } from './api';
import type { ProxyTrust } from './client-address';
import { setApiHeaders, setPageHeaders } from './security-headers';

export interface FrontDoorOptions {
  api: ApiHandler;
  /** Serves what the API does not (the Next.js pages); may answer asynchronously. Without it: 404. */
  fallback?: ((request: IncomingMessage, response: ServerResponse) => unknown) | undefined;
  origins: OriginPolicy;
  trusted: ProxyTrust;
  /** Next runs in development mode (its pages need a looser script policy). */
  devPages: boolean;
  logger: Logger;
}

/**
 * The request target as a URL: origin-form (`/path?query`) or absolute-form (`http://host/path`, which the
 * request is then rewritten to the origin-form of, as everything behind reads that); undefined when it is neither.
 */
export function requestTarget(request: IncomingMessage): URL | undefined {
  const target = request.url ?? '';
  if (target.startsWith('/')) {
    return URL.canParse(`http://localhost${target}`) ? new URL(`http://localhost${target}`) : undefined;
  }
  if (!URL.canParse(target)) return undefined;
  const url = new URL(target);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  request.url = `${url.pathname}${url.search}`;
  return url;
}

/** Paths answered whatever the Host: health, readiness and metrics. */
const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

function json(response: ServerResponse, status: number, code: string, message: string): void {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  response.end(JSON.stringify({ error: { code, message } }));
}

/**
 * The HTTP server's request listener, total: whatever a request holds, it is answered and nothing it does
 * escapes as an exception (which would end the process) or a rejected promise. A target that is not a URL gets
 * 400, a Host other than PUBLIC_ORIGIN's 421, the API its routes, and everything else the pages, with the
 * security headers of each.
 */
export function frontDoor(
  options: FrontDoorOptions,
): (request: IncomingMessage, response: ServerResponse) => void {
  const { api, fallback, origins, trusted, devPages, logger } = options;
  const pageHeaders = { trusted, ownOrigin: origins.ownOrigin, dev: devPages };

  const fail = (response: ServerResponse, error: unknown): void => {
    logger.error({ err: error }, 'request failed');
    if (response.headersSent) response.destroy();
    else json(response, 500, 'INTERNAL', 'internal error');
  };

  return (request, response) => {
    try {
      const url = requestTarget(request);
      if (!url) {
        setApiHeaders(request, response, trusted);
        response.setHeader('connection', 'close');
        json(response, 400, 'BAD_REQUEST', 'the request target is not a URL');
        return;
      }
      // Probes (an orchestrator's, a scraper's) come by address, whatever Host they name.
      if (!PROBES.has(url.pathname) && !origins.hostAllowed(request)) {
        setApiHeaders(request, response, trusted);
        json(response, 421, 'MISDIRECTED_REQUEST', 'this server does not answer for that host');
        return;
      }
      if (api(request, response, url)) return;
      if (!fallback) {
        setApiHeaders(request, response, trusted);
        json(response, 404, 'NOT_FOUND', `no route ${url.pathname}`);
        return;
      }
      setPageHeaders(request, response, pageHeaders);
      Promise.resolve(fallback(request, response)).catch((error: unknown) => fail(response, error));
    } catch (error) {
      fail(response, error);
    }
  };
}
