import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { barsToCsv } from '../../lib/csv';
import { decimalBar, decimalQuote } from '../../lib/decimals';
import { INTRADAY_INTERVAL, intradayCloses, intradayStart } from '../../lib/intraday';
import { toPrice } from '../../lib/instrument';
import type { UnixSeconds } from '../../lib/nominal';
import { PROTOCOL_VERSION, type ApiSparkline, type SymbolsResponse } from '../../lib/protocol';
import type { Clock } from '../clock';
import { AddressRate } from '../guard/address-rate';
import { bearerToken, TokenError, type TokenVerifier } from '../guard/token';
import type { Logger } from '../logger';
import type { MarketView } from '../market/market-view';
import type { OriginPolicy } from '../socket/origin';
import { clientAddress, limitKey, type ProxyTrust } from './client-address';
import { openApiDocument } from './openapi';
import {
  candleQuery,
  quoteQuery,
  type candlesResponse,
  type ErrorResponse,
  type quotesResponse,
  type sparklinesResponse,
} from './schemas';
import { setApiHeaders } from './security-headers';

export interface ApiOptions {
  market: MarketView;
  clock: Clock;
  maxBars: number;
  /** Who may read the API from another page (CORS); the page's own origin needs no CORS. */
  origins: OriginPolicy;
  trusted: ProxyTrust;
  /** API_REQUESTS_PER_SECOND per client address (bursts of twice that). */
  requestsPerSecond: number;
  /** API_BARS_PER_SECOND per client address (bursts of twice that, at least `maxBars`). */
  barsPerSecond: number;
  /** With AUTH_SECRET set: every /api request needs `Authorization: Bearer <token>`. */
  verify?: TokenVerifier | undefined;
  logger: Logger;
  /**
   * More /api routes by path (the replay's controls), served behind the same headers, rate and token; each answers
   * whatever methods it takes.
   */
  routes?: Readonly<Record<string, ApiHandler>> | undefined;
  /** Numbers for /healthz. */
  health: () => Record<string, unknown>;
}

/**
 * A request handler for the HTTP API, given the request's parsed target; returns false for paths it does not
 * serve. It never throws: a fault is logged and answered 500.
 */
export type ApiHandler = (request: IncomingMessage, response: ServerResponse, url: URL) => boolean;

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

function tooMany(response: ServerResponse, retryAfterSeconds: number, message: string): void {
  response.setHeader('retry-after', String(retryAfterSeconds));
  send(response, 429, { error: { code: 'RATE_LIMITED', message } });
}

/**
 * Serves GET /healthz, /api/symbols, /api/quotes, /api/candles (JSON or CSV), /api/sparklines and /api/openapi.json. Per client address, /api requests are limited in number and
 * /api/candles in bars a second (429 with Retry-After); with a verifier, /api needs a bearer token (401).
 * /healthz is for load balancers and orchestrators: neither limited nor behind the token.
 */
export function createApi(options: ApiOptions): ApiHandler {
  const { market, clock, maxBars, origins, trusted, verify, logger, health } = options;
  const schema = candleQuery(maxBars);
  const openApi = openApiDocument(maxBars);
  const requests = new AddressRate({
    rate: options.requestsPerSecond,
    burst: options.requestsPerSecond * 2,
    clock,
  });
  const bars = new AddressRate({
    rate: options.barsPerSecond,
    burst: Math.max(options.barsPerSecond * 2, maxBars),
    clock,
  });

  const candles = (response: ServerResponse, url: URL, address: string): void => {
    const parsed = schema.safeParse(Object.fromEntries(url.searchParams));
    if (!parsed.success) return invalidParameter(response, parsed.error);
    const { symbol, interval, limit, before, format } = parsed.data;
    const instrument = market.instrument(symbol);
    if (!instrument) return unknownSymbols(response, [symbol], 'symbol');
    const found = market.bars(symbol, interval, limit, before as UnixSeconds | undefined);
    // Charged by what would be served, before the costly part (decimals and JSON of each bar).
    const allowed = bars.take(address, found.length);
    if (!allowed.ok) {
      tooMany(response, allowed.retryAfterSeconds, `more than ${options.barsPerSecond} bars a second`);
      return;
    }
    const served = found.map((bar) => decimalBar(bar, instrument));
    if (format === 'csv') {
      response.writeHead(200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${symbol}-${interval}.csv"`,
        'cache-control': 'no-store',
      });
      response.end(barsToCsv(served));
      return;
    }
    send(response, 200, { symbol, interval, bars: served } satisfies z.infer<typeof candlesResponse>);
  };

  const quotes = (response: ServerResponse, url: URL): void => {
    const parsed = quoteQuery.safeParse(Object.fromEntries(url.searchParams));
    if (!parsed.success) return invalidParameter(response, parsed.error);
    const asked = [...new Set(parsed.data.symbols)];
    const unknown = asked.filter((symbol) => !market.has(symbol));
    if (unknown.length > 0) return unknownSymbols(response, unknown, 'symbols');
    const listing = new Map(market.listing().map((listed) => [listed.symbol, listed]));
    const served = asked.flatMap((symbol) => {
      const quote = market.quote(symbol);
      const listed = listing.get(symbol);
      if (!quote || !listed) return [];
      return [{ symbol, status: listed.status, source: listed.source, ...decimalQuote(quote, listed) }];
    });
    send(response, 200, { quotes: served } satisfies z.infer<typeof quotesResponse>);
  };

  /** Many symbols' intraday series in one request: a board's sparklines without a chart stream per row. */
  const sparklines = (response: ServerResponse, url: URL, address: string): void => {
    const parsed = quoteQuery.safeParse(Object.fromEntries(url.searchParams));
    if (!parsed.success) return invalidParameter(response, parsed.error);
    const asked = [...new Set(parsed.data.symbols)];
    const unknown = asked.filter((symbol) => !market.has(symbol));
    if (unknown.length > 0) return unknownSymbols(response, unknown, 'symbols');
    const served = asked.flatMap((symbol): ApiSparkline[] => {
      const instrument = market.instrument(symbol);
      if (!instrument) return [];
      const day = market.bars(symbol, '1d', 1)[0]?.time;
      if (day === undefined) return [{ symbol, day: null, closes: [] }];
      const start = intradayStart(instrument.assetClass, day);
      const closes = intradayCloses(market.barsSince(symbol, INTRADAY_INTERVAL, start), start);
      return [{ symbol, day: day as number, closes: closes.map((close) => toPrice(close, instrument)) }];
    });
    // Charged a bar per point served, under the same budget as /api/candles.
    const allowed = bars.take(
      address,
      served.reduce((sum, series) => sum + series.closes.length, 0),
    );
    if (!allowed.ok) {
      tooMany(response, allowed.retryAfterSeconds, `more than ${options.barsPerSecond} bars a second`);
      return;
    }
    send(response, 200, {
      interval: INTRADAY_INTERVAL,
      sparklines: served,
    } satisfies z.infer<typeof sparklinesResponse>);
  };

  const serve = async (request: IncomingMessage, response: ServerResponse, url: URL, address: string) => {
    if (verify) {
      try {
        await verify(bearerToken(request.headers.authorization));
      } catch (error) {
        if (!(error instanceof TokenError)) throw error;
        response.setHeader(
          'www-authenticate',
          `Bearer realm="tickerboard", error="${error.code === 'TOKEN_MISSING' ? 'invalid_request' : 'invalid_token'}"`,
        );
        send(response, 401, { error: { code: error.code, message: error.message } });
        return;
      }
    }
    const route = options.routes?.[url.pathname];
    if (route) {
      route(request, response, url);
      return;
    }
    if (url.pathname === '/api/symbols') {
      // Not cached: statuses change, and a relay adds the instruments it learns after start.
      send(response, 200, { symbols: market.listing() } satisfies SymbolsResponse);
    } else if (url.pathname === '/api/quotes') quotes(response, url);
    else if (url.pathname === '/api/candles') candles(response, url, address);
    else if (url.pathname === '/api/sparklines') sparklines(response, url, address);
    else if (url.pathname === '/api/openapi.json') send(response, 200, openApi, 60);
    else send(response, 404, { error: { code: 'NOT_FOUND', message: `no route ${url.pathname}` } });
  };

  const fail = (response: ServerResponse, error: unknown): void => {
    logger.error({ err: error }, 'api request failed');
    if (response.headersSent) response.destroy();
    else send(response, 500, { error: { code: 'INTERNAL', message: 'internal error' } });
  };

  return (request, response, url) => {
    const route = url.pathname;
    if (route !== '/healthz' && !route.startsWith('/api/')) return false;
    try {
      setApiHeaders(request, response, trusted);
      const origin = request.headers.origin;
      if (origin && origins.corsAllows(origin)) {
        response.setHeader('access-control-allow-origin', origin);
        response.setHeader('vary', 'origin');
      }
      if (request.method === 'OPTIONS' && origin && origins.corsAllows(origin)) {
        response.setHeader('access-control-allow-methods', 'GET, HEAD');
        response.setHeader('access-control-allow-headers', 'authorization');
        response.setHeader('access-control-max-age', '600');
        response.writeHead(204).end();
        return true;
      }
      const own = !Object.hasOwn(options.routes ?? {}, route);
      if (own && request.method !== 'GET' && request.method !== 'HEAD') {
        response.setHeader('allow', 'GET, HEAD');
        send(response, 405, { error: { code: 'METHOD_NOT_ALLOWED', message: 'use GET' } });
        return true;
      }
      if (route === '/healthz') {
        send(response, 200, { status: 'ok', protocol: PROTOCOL_VERSION, ...health() });
        return true;
      }
      const address = limitKey(clientAddress(request, trusted));
      const allowed = requests.take(address);
      if (!allowed.ok) {
        tooMany(
          response,
          allowed.retryAfterSeconds,
          `more than ${options.requestsPerSecond} requests a second`,
        );
        return true;
      }
      serve(request, response, url, address).catch((error: unknown) => fail(response, error));
    } catch (error) {
      fail(response, error);
    }
    return true;
  };
}
