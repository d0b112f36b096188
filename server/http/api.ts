import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { barsToCsv } from '../../lib/csv';
import { decimalBar, decimalQuote } from '../../lib/decimals';
import type { UnixSeconds } from '../../lib/nominal';
import { PROTOCOL_VERSION, type SymbolsResponse } from '../../lib/protocol';
import type { Clock } from '../clock';
import type { MarketState } from '../market/market-state';
import { openApiDocument } from './openapi';
import {
  candleQuery,
  quoteQuery,
  type candlesResponse,
  type ErrorResponse,
  type quotesResponse,
} from './schemas';

export interface ApiOptions {
  market: MarketState;
  clock: Clock;
  maxBars: number;
  /** Origins allowed to read the API from another page (CORS); the page's own origin always may. */
  allowedOrigins: readonly string[];
  /** Numbers for /healthz. */
  health: () => Record<string, unknown>;
}

/** A request handler for the HTTP API; returns false for paths it does not serve. */
export type ApiHandler = (request: IncomingMessage, response: ServerResponse) => boolean;

function send(response: ServerResponse, status: number, body: unknown, cacheSeconds = 0): void {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': cacheSeconds > 0 ? `public, max-age=${cacheSeconds}` : 'no-store',
  });
  response.end(JSON.stringify(body));
}

/** The 400 answer of the first problem zod found in a query. */
function invalidParameter(response: ServerResponse, error: z.ZodError): void {
  const issue = error.issues[0];
  const parameter = String(issue?.path[0] ?? 'query');
  send(response, 400, {
    error: {
      code: 'INVALID_PARAMETER',
      parameter,
      message: `${parameter} ${issue?.message ?? 'is invalid'}`,
    },
  } satisfies ErrorResponse);
}

function unknownSymbols(response: ServerResponse, symbols: readonly string[], parameter: string): void {
  send(response, 404, {
    error: {
      code: 'UNKNOWN_SYMBOL',
      parameter,
      message: `unknown symbol${symbols.length > 1 ? 's' : ''} ${symbols.join(', ')}`,
      symbols: [...symbols],
    },
  } satisfies ErrorResponse);
}

/** Serves GET /healthz, /api/symbols, /api/quotes, /api/candles and /api/openapi.json. */
export function createApi({ market, maxBars, allowedOrigins, health }: ApiOptions): ApiHandler {
  const schema = candleQuery(maxBars);
  const openApi = openApiDocument(maxBars);

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
    } else if (route === '/api/openapi.json') {
      send(response, 200, openApi, 60);
    } else if (route === '/api/quotes') {
      const parsed = quoteQuery.safeParse(Object.fromEntries(url.searchParams));
      if (!parsed.success) {
        invalidParameter(response, parsed.error);
        return true;
      }
      const asked = [...new Set(parsed.data.symbols)];
      const unknown = asked.filter((symbol) => !market.has(symbol));
      if (unknown.length > 0) {
        unknownSymbols(response, unknown, 'symbols');
        return true;
      }
      const listing = new Map(market.listing().map((listed) => [listed.symbol, listed]));
      const quotes = asked.flatMap((symbol) => {
        const quote = market.quote(symbol);
        const listed = listing.get(symbol);
        if (!quote || !listed) return [];
        return [{ symbol, status: listed.status, source: listed.source, ...decimalQuote(quote, listed) }];
      });
      send(response, 200, { quotes } satisfies z.infer<typeof quotesResponse>);
    } else if (route === '/api/candles') {
      const parsed = schema.safeParse(Object.fromEntries(url.searchParams));
      if (!parsed.success) {
        invalidParameter(response, parsed.error);
        return true;
      }
      const { symbol, interval, limit, before, format } = parsed.data;
      const instrument = market.instrument(symbol);
      if (!instrument) {
        unknownSymbols(response, [symbol], 'symbol');
        return true;
      }
      const bars = market
        .bars(symbol, interval, limit, before as UnixSeconds | undefined)
        .map((bar) => decimalBar(bar, instrument));
      if (format === 'csv') {
        response.writeHead(200, {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="${symbol}-${interval}.csv"`,
          'cache-control': 'no-store',
        });
        response.end(barsToCsv(bars));
        return true;
      }
      send(response, 200, { symbol, interval, bars } satisfies z.infer<typeof candlesResponse>);
    } else {
      send(response, 404, { error: { code: 'NOT_FOUND', message: `no route ${route}` } });
    }
    return true;
  };
}
