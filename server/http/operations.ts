import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Metrics } from '../metrics';
import type { ApiHandler } from './api';

/** One condition of readiness: its name and whether it holds, with a word on why not. */
export interface ReadinessCheck {
  name: string;
  ok: boolean;
  detail?: string;
}

export interface OperationsOptions {
  metrics: Metrics;
  /** The checks `/readyz` runs; ready when all hold. */
  readiness: () => readonly ReadinessCheck[];
}

/**
 * Serves what operators and orchestrators read: `GET /readyz` (200 when the server should be sent traffic, 503
 * with the failing checks when not) and `GET /metrics` (Prometheus text). `/healthz`, alive or not, is the API's.
 */
export function createOperations({ metrics, readiness }: OperationsOptions): ApiHandler {
  return (request: IncomingMessage, response: ServerResponse, url: URL) => {
    const route = url.pathname;
    if (route !== '/readyz' && route !== '/metrics') return false;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json' });
      response.end('{"error":{"code":"METHOD_NOT_ALLOWED","message":"use GET"}}');
      return true;
    }
    if (route === '/readyz') {
      const checks = readiness();
      const ready = checks.every((check) => check.ok);
      response.writeHead(ready ? 200 : 503, {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
      });
      response.end(JSON.stringify({ status: ready ? 'ready' : 'not ready', checks }));
      return true;
    }
    metrics.registry.metrics().then(
      (text) => {
        response.writeHead(200, {
          'content-type': metrics.registry.contentType,
          'cache-control': 'no-store',
        });
        response.end(text);
      },
      (error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(`metrics failed: ${String(error)}`);
      },
    );
    return true;
  };
}
