import { z } from 'zod';
import { decimalsOfStep } from '../../lib/decimal';
import { INTERVAL_SECONDS } from '../../lib/intervals';
import type { UnixMillis, UnixSeconds } from '../../lib/nominal';
import { getJson, VenueError, type Venue, type VenueBar, type VenueMessage } from './relay/venue';

/** Streams per SUBSCRIBE message; each symbol takes two (trades and book ticker). */
const STREAMS_PER_MESSAGE = 10;
const KLINES_PER_REQUEST = 1000;

const decimal = z.string().regex(/^\d+(\.\d+)?$/);

const exchangeInfo = z.object({
  symbols: z.array(
    z.object({
      symbol: z.string(),
      status: z.string(),
      baseAsset: z.string(),
      quoteAsset: z.string(),
      filters: z.array(
        z.looseObject({ filterType: z.string(), tickSize: decimal.optional(), stepSize: decimal.optional() }),
      ),
    }),
  ),
});

const trade = z.object({
  e: z.literal('trade'),
  s: z.string(),
  t: z.number().int(),
  p: decimal,
  q: decimal,
  T: z.number().int(),
  m: z.boolean(),
});

const bookTicker = z.object({
  u: z.number().int(),
  s: z.string(),
  b: decimal,
  B: decimal,
  a: decimal,
  A: decimal,
});

/** `[openTime, open, high, low, close, volume, closeTime, …]`, prices and volume as decimal strings. */
const klines = z.array(z.tuple([z.number().int(), decimal, decimal, decimal, decimal, decimal], z.unknown()));

export interface BinanceOptions {
  wsUrl: string;
  restUrl: string;
}

/**
 * Binance spot (https://developers.binance.com/docs/binance-spot-api-docs): instruments from `GET
 * /api/v3/exchangeInfo` (PRICE_FILTER.tickSize, LOT_SIZE.stepSize), trades from `<symbol>@trade` and the best bid
 * and ask from `<symbol>@bookTicker` on the combined stream `/stream` with `SUBSCRIBE`, bars from `GET
 * /api/v3/klines` paged backwards with `endTime`.
 */
export function binance({ wsUrl, restUrl }: BinanceOptions): Venue {
  const rest = restUrl.replace(/\/$/, '');
  return {
    name: 'binance',
    prefix: 'BINANCE',
    symbolsVariable: 'BINANCE_SYMBOLS',
    historyIntervals: ['1s', '1m', '5m', '15m', '1h', '1d'],
    // Binance allows 5 incoming messages a second, its pongs and our pings included: leave room for them.
    messagesPerSecond: 4,
    connectionLifetimeMs: 24 * 3600_000,
    barsPerRequest: KLINES_PER_REQUEST,

    async instrument(venueSymbol) {
      let body: unknown;
      try {
        body = await getJson(
          'binance',
          `${rest}/api/v3/exchangeInfo?symbol=${encodeURIComponent(venueSymbol)}`,
        );
      } catch (error) {
        // Binance answers an unknown symbol 400 {"code":-1121,"msg":"Invalid symbol."}.
        if (error instanceof VenueError && /-1121/.test(error.message))
          throw new VenueError(error.message, true);
        throw error;
      }
      const info = exchangeInfo.parse(body).symbols.find((symbol) => symbol.symbol === venueSymbol);
      if (!info) throw new VenueError(`binance lists no ${venueSymbol}`, true);
      const tickStep = info.filters.find((filter) => filter.filterType === 'PRICE_FILTER')?.tickSize;
      const lotStep = info.filters.find((filter) => filter.filterType === 'LOT_SIZE')?.stepSize;
      const precision = tickStep === undefined ? undefined : decimalsOfStep(tickStep);
      const sizePrecision = lotStep === undefined ? undefined : decimalsOfStep(lotStep);
      if (
        tickStep === undefined ||
        lotStep === undefined ||
        precision === undefined ||
        sizePrecision === undefined
      ) {
        throw new VenueError(
          `binance gives ${venueSymbol} no PRICE_FILTER.tickSize or LOT_SIZE.stepSize`,
          true,
        );
      }
      return {
        venueSymbol,
        tickStep,
        lotStep,
        instrument: {
          symbol: `BINANCE:${venueSymbol}`,
          name: `${info.baseAsset}/${info.quoteAsset} on Binance`,
          assetClass: 'crypto',
          tickSize: Number(tickStep),
          precision,
          lotSize: Number(lotStep),
          sizePrecision,
          currency: info.quoteAsset,
          baseCurrency: info.baseAsset,
        },
      };
    },

    socketUrl: () => `${wsUrl.replace(/\/$/, '')}/stream`,

    subscriptions(venueSymbols) {
      const streams = venueSymbols.flatMap((symbol) => [
        `${symbol.toLowerCase()}@trade`,
        `${symbol.toLowerCase()}@bookTicker`,
      ]);
      const messages: string[] = [];
      for (let i = 0; i < streams.length; i += STREAMS_PER_MESSAGE) {
        const params = streams.slice(i, i + STREAMS_PER_MESSAGE);
        messages.push(JSON.stringify({ method: 'SUBSCRIBE', params, id: messages.length + 1 }));
      }
      return messages;
    },

    parse(text) {
      const message = JSON.parse(text) as unknown;
      return [parseMessage(message)];
    },

    async bars(venueSymbol, interval, from, to) {
      const ms = INTERVAL_SECONDS[interval] * 1000;
      const pages: VenueBar[][] = [];
      let end = to - 1;
      while (end >= from) {
        const query = `symbol=${encodeURIComponent(venueSymbol)}&interval=${interval}&endTime=${end}&limit=${KLINES_PER_REQUEST}`;
        const page = klines.parse(await getJson('binance', `${rest}/api/v3/klines?${query}`));
        const bars = page
          .filter(([openTime]) => openTime >= from && openTime < to)
          .map(([openTime, open, high, low, close, volume]) => ({
            time: (openTime / 1000) as UnixSeconds,
            open,
            high,
            low,
            close,
            volume,
          }));
        pages.unshift(bars);
        const first = page[0]?.[0];
        if (first === undefined || page.length < KLINES_PER_REQUEST) break;
        end = first - 1;
        if (end < from - ms) break;
      }
      return pages.flat();
    },
  };
}

function parseMessage(message: unknown): VenueMessage {
  if (typeof message !== 'object' || message === null) return { kind: 'malformed', reason: 'not an object' };
  const record = message as Record<string, unknown>;
  if ('result' in record && 'id' in record) return { kind: 'ignored' };
  if ('error' in record || ('code' in record && 'msg' in record)) {
    return { kind: 'error', message: JSON.stringify(record.error ?? record) };
  }
  if (typeof record.stream !== 'string' || !('data' in record)) {
    return { kind: 'malformed', reason: 'neither a combined stream event nor a reply' };
  }
  const kind = record.stream.split('@')[1];
  if (kind === 'trade') {
    const parsed = trade.safeParse(record.data);
    if (!parsed.success)
      return { kind: 'malformed', reason: `trade: ${parsed.error.issues[0]?.message ?? ''}` };
    const { s, t, p, q, T, m } = parsed.data;
    // The buyer was the maker: the taker sold.
    return {
      kind: 'trade',
      venueSymbol: s,
      time: T as UnixMillis,
      price: p,
      size: q,
      side: m ? 'sell' : 'buy',
      tradeId: t,
    };
  }
  if (kind === 'bookTicker') {
    const parsed = bookTicker.safeParse(record.data);
    if (!parsed.success)
      return { kind: 'malformed', reason: `bookTicker: ${parsed.error.issues[0]?.message ?? ''}` };
    const { s, b, B, a, A } = parsed.data;
    return { kind: 'quote', venueSymbol: s, bid: b, ask: a, bidSize: B, askSize: A };
  }
  return { kind: 'malformed', reason: `unknown stream ${record.stream}` };
}
