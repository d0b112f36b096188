import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { toPrice, toQuantity } from '../../lib/instrument';
import { INTERVALS } from '../../lib/intervals';
import type { UnixSeconds } from '../../lib/nominal';
import { PROTOCOL_VERSION, type CandlesResponse, type SymbolsResponse } from '../../lib/protocol';
import type { Clock } from '../clock';
import type { MarketView } from '../market/market-view';

export interface ApiOptions {
  market: MarketView;
  clock: Clock;
  maxBars: number;
  /** Origins allowed to read the API from another page (CORS); the page's own origin always may. */
  allowedOrigins: readonly string[];
  /** Numbers for /healthz. */
  health: () => Record<string, unknown>;
}

/** A request handler for the HTTP API; returns false for paths it does not serve. */
export type ApiHandler = (request: IncomingMessage, response: ServerResponse) => boolean;

const candleQuery = (maxBars: number) =>
  z.object({
    symbol: z.string({ error: 'is required' }).min(1, 'is required'),
    interval: z.enum(INTERVALS, { error: `must be one of ${INTERVALS.join(', ')}` }),
    limit: z.coerce
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(maxBars, `must be at most ${maxBars}`)
      .default(500),
    before: z.coerce
      .number({ error: 'must be unix seconds' })
      .int('must be unix seconds')
      .min(0, 'must be unix seconds')
      .optional(),
  });

function send(response: ServerResponse, status: number, body: unknown, cacheSeconds = 0): void {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': cacheSeconds > 0 ? `public, max-age=${cacheSeconds}` : 'no-store',
  });
  response.end(JSON.stringify(body));
}

/** Serves GET /healthz, /api/symbols and /api/candles. */
export function createApi({ market, maxBars, allowedOrigins, health }: ApiOptions): ApiHandler {
  const schema = candleQuery(maxBars);

  return (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const route = url.pathname;
    if (route !== '/healthz' && !route.startsWith('/api/')) return false;

    const origin = request.headers.origin;
    if (origin && (allowedOrigins.includes('*') || allowedOrigins.includes(origin))) {
      response.setHeader('access-control-allow-origin', origin);
      response.setHeader('vary', 'origin');
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      send(response, 405, { error: { code: 'METHOD_NOT_ALLOWED', message: 'use GET' } });
      return true;
    }

    if (route === '/healthz') {
      send(response, 200, { status: 'ok', protocol: PROTOCOL_VERSION, ...health() });
    } else if (route === '/api/symbols') {
      // Not cached: statuses change, and a relay adds the instruments it learns after start.
      send(response, 200, { symbols: market.listing() } satisfies SymbolsResponse);
    } else if (route === '/api/candles') {
      const parsed = schema.safeParse(Object.fromEntries(url.searchParams));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const parameter = String(issue?.path[0] ?? 'query');
        send(response, 400, {
          error: {
            code: 'INVALID_PARAMETER',
            parameter,
            message: `${parameter} ${issue?.message ?? 'is invalid'}`,
          },
        });
        return true;
      }
      const { symbol, interval, limit, before } = parsed.data;
      const instrument = market.instrument(symbol);
      if (!instrument) {
        send(response, 404, {
          error: { code: 'UNKNOWN_SYMBOL', parameter: 'symbol', message: `unknown symbol ${symbol}` },
        });
        return true;
      }
      const bars = market.bars(symbol, interval, limit, before as UnixSeconds | undefined).map((bar) => ({
        time: bar.time,
        open: toPrice(bar.open, instrument),
        high: toPrice(bar.high, instrument),
        low: toPrice(bar.low, instrument),
        close: toPrice(bar.close, instrument),
        volume: toQuantity(bar.volume, instrument),
      }));
      send(response, 200, { symbol, interval, bars } satisfies CandlesResponse);
    } else {
      send(response, 404, { error: { code: 'NOT_FOUND', message: `no route ${route}` } });
    }
    return true;
  };
}
