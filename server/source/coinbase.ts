import { z } from 'zod';
import { decimalsOfStep } from '../../lib/decimal';
import { INTERVAL_SECONDS } from '../../lib/intervals';
import type { UnixSeconds } from '../../lib/nominal';
import { getJson, VenueError, type Venue, type VenueBar, type VenueMessage } from './relay/venue';

const CANDLES_PER_REQUEST = 300;

const decimal = z.string().regex(/^\d+(\.\d+)?$/);

const product = z.object({
  id: z.string(),
  base_currency: z.string(),
  quote_currency: z.string(),
  quote_increment: decimal,
  base_increment: decimal,
  display_name: z.string().optional(),
});

const match = z.object({
  type: z.enum(['match', 'last_match']),
  trade_id: z.number().int(),
  side: z.enum(['buy', 'sell']),
  size: decimal,
  price: decimal,
  product_id: z.string(),
  time: z.iso.datetime({ offset: true }),
});

const ticker = z.object({
  type: z.literal('ticker'),
  product_id: z.string(),
  best_bid: decimal,
  best_ask: decimal,
  best_bid_size: decimal.optional(),
  best_ask_size: decimal.optional(),
  time: z.iso.datetime({ offset: true }).optional(),
});

const heartbeat = z.object({
  type: z.literal('heartbeat'),
  product_id: z.string(),
  last_trade_id: z.number().int(),
});

/** `[time, low, high, open, close, volume]`, newest first, numbers. */
const candles = z.array(
  z.tuple([z.number().int(), z.number(), z.number(), z.number(), z.number(), z.number()]),
);

export interface CoinbaseOptions {
  wsUrl: string;
  restUrl: string;
}

/**
 * Coinbase Exchange (https://docs.cdp.coinbase.com/exchange): instruments from `GET /products/{id}`
 * (`quote_increment`, `base_increment`), trades from the `matches` channel (its `side` is the maker's), the best bid
 * and ask from `ticker`, `heartbeat`'s `last_trade_id` to find missed trades, bars from `GET /products/{id}/candles`
 * (at most 300 a request, granularities 60 to 86400 s: no 1s history).
 */
export function coinbase({ wsUrl, restUrl }: CoinbaseOptions): Venue {
  const rest = restUrl.replace(/\/$/, '');
  return {
    name: 'coinbase',
    prefix: 'COINBASE',
    symbolsVariable: 'COINBASE_SYMBOLS',
    historyIntervals: ['1m', '5m', '15m', '1h', '1d'],
    barsPerRequest: CANDLES_PER_REQUEST,

    async instrument(venueSymbol) {
      let body: unknown;
      try {
        body = await getJson('coinbase', `${rest}/products/${encodeURIComponent(venueSymbol)}`);
      } catch (error) {
        if (error instanceof VenueError && /answered (404|400)/.test(error.message)) {
          throw new VenueError(error.message, true);
        }
        throw error;
      }
      const info = product.parse(body);
      const precision = decimalsOfStep(info.quote_increment);
      const sizePrecision = decimalsOfStep(info.base_increment);
      if (precision === undefined || sizePrecision === undefined) {
        throw new VenueError(`coinbase gives ${venueSymbol} a zero quote_increment or base_increment`, true);
      }
      return {
        venueSymbol,
        tickStep: info.quote_increment,
        lotStep: info.base_increment,
        instrument: {
          symbol: `COINBASE:${venueSymbol}`,
          name: `${info.display_name ?? `${info.base_currency}/${info.quote_currency}`} on Coinbase`,
          assetClass: 'crypto',
          tickSize: Number(info.quote_increment),
          precision,
          lotSize: Number(info.base_increment),
          sizePrecision,
          currency: info.quote_currency,
          baseCurrency: info.base_currency,
        },
      };
    },

    socketUrl: () => wsUrl,

    // Coinbase closes a connection that has not subscribed within 5 s: this goes out as soon as it opens.
    subscriptions: (venueSymbols) => [
      JSON.stringify({
        type: 'subscribe',
        product_ids: venueSymbols,
        channels: ['matches', 'ticker', 'heartbeat'],
      }),
    ],

    parse(text) {
      return [parseMessage(JSON.parse(text) as unknown)];
    },

    async bars(venueSymbol, interval, from, to) {
      const granularity = INTERVAL_SECONDS[interval];
      const window = CANDLES_PER_REQUEST * granularity * 1000;
      const bars: VenueBar[] = [];
      for (let start: number = from; start < to; start += window) {
        const end = Math.min(start + window, to) - granularity * 1000;
        if (end < start) break;
        const query = `granularity=${granularity}&start=${new Date(start).toISOString()}&end=${new Date(end).toISOString()}`;
        const page = candles.parse(
          await getJson('coinbase', `${rest}/products/${encodeURIComponent(venueSymbol)}/candles?${query}`),
        );
        for (const [time, low, high, open, close, volume] of [...page].reverse()) {
          if (time * 1000 < from || time * 1000 >= to) continue;
          // JSON numbers: their shortest decimal is the venue's, which unitsOf reads exactly.
          bars.push({
            time: time as UnixSeconds,
            open: String(open),
            high: String(high),
            low: String(low),
            close: String(close),
            volume: String(volume),
          });
        }
      }
      return bars
        .sort((a, b) => a.time - b.time)
        .filter((bar, i, all) => i === 0 || all[i - 1]?.time !== bar.time);
    },
  };
}

function parseMessage(message: unknown): VenueMessage {
  if (typeof message !== 'object' || message === null) return { kind: 'malformed', reason: 'not an object' };
  const type = (message as { type?: unknown }).type;
  if (type === 'subscriptions') return { kind: 'ignored' };
  if (type === 'error') {
    const { message: text, reason } = message as { message?: unknown; reason?: unknown };
    return { kind: 'error', message: `${String(text)}${reason === undefined ? '' : `: ${String(reason)}`}` };
  }
  if (type === 'match' || type === 'last_match') {
    const parsed = match.safeParse(message);
    if (!parsed.success)
      return { kind: 'malformed', reason: `match: ${parsed.error.issues[0]?.message ?? ''}` };
    const { trade_id, side, size, price, product_id, time } = parsed.data;
    return {
      kind: 'trade',
      venueSymbol: product_id,
      time: Date.parse(time),
      price,
      size,
      // `side` is the maker's: a sell maker was lifted by a buyer.
      side: side === 'sell' ? 'buy' : 'sell',
      tradeId: trade_id,
    };
  }
  if (type === 'ticker') {
    const parsed = ticker.safeParse(message);
    if (!parsed.success)
      return { kind: 'malformed', reason: `ticker: ${parsed.error.issues[0]?.message ?? ''}` };
    const { product_id, best_bid, best_ask, best_bid_size, best_ask_size, time } = parsed.data;
    return {
      kind: 'quote',
      venueSymbol: product_id,
      time: time === undefined ? undefined : Date.parse(time),
      bid: best_bid,
      ask: best_ask,
      bidSize: best_bid_size,
      askSize: best_ask_size,
    };
  }
  if (type === 'heartbeat') {
    const parsed = heartbeat.safeParse(message);
    if (!parsed.success)
      return { kind: 'malformed', reason: `heartbeat: ${parsed.error.issues[0]?.message ?? ''}` };
    return { kind: 'heartbeat', venueSymbol: parsed.data.product_id, lastTradeId: parsed.data.last_trade_id };
  }
  return { kind: 'malformed', reason: `unknown type ${String(type)}` };
}
