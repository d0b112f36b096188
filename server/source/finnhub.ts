import { z } from 'zod';
import type { Interval } from '../../lib/intervals';
import type { UnixSeconds } from '../../lib/nominal';
import { getJson, VenueError, type Venue, type VenueBar, type VenueMessage } from './relay/venue';

/**
 * Finnhub gives no tick or lot size. US equities trade in cents, with sub-penny prints off the exchanges, so prices
 * are kept to 0.0001; sizes are whole shares.
 */
const TICK_STEP = '0.0001';
const LOT_STEP = '1';

const RESOLUTION: Partial<Record<Interval, string>> = {
  '1m': '1',
  '5m': '5',
  '15m': '15',
  '1h': '60',
  '1d': 'D',
};

const profile = z.object({
  name: z.string().optional(),
  currency: z.string().optional(),
  ticker: z.string().optional(),
});

const trades = z.object({
  type: z.literal('trade'),
  data: z.array(
    z.object({ s: z.string(), p: z.number().positive(), t: z.number().int(), v: z.number().nonnegative() }),
  ),
});

const candles = z.union([
  z.object({
    s: z.literal('ok'),
    t: z.array(z.number().int()),
    o: z.array(z.number()),
    h: z.array(z.number()),
    l: z.array(z.number()),
    c: z.array(z.number()),
    v: z.array(z.number()),
  }),
  z.object({ s: z.literal('no_data') }),
]);

export interface FinnhubOptions {
  wsUrl: string;
  restUrl: string;
  token: string;
}

/**
 * Finnhub (https://finnhub.io/docs/api/websocket-trades): `{"type":"subscribe","symbol":…}` per symbol, `trade`
 * messages `{s, p, t, v, c}` in batches, `ping`; no bid and ask, and no trade ids. Names and currencies from `GET
 * /stock/profile2`, bars from `GET /stock/candle` where the key's plan allows it (otherwise bars start with the
 * live stream).
 */
export function finnhub({ wsUrl, restUrl, token }: FinnhubOptions): Venue {
  const rest = restUrl.replace(/\/$/, '');
  const key = `token=${encodeURIComponent(token)}`;
  return {
    name: 'finnhub',
    prefix: 'FINNHUB',
    symbolsVariable: 'FINNHUB_SYMBOLS',
    historyIntervals: ['1m', '5m', '15m', '1h', '1d'],
    messagesPerSecond: 10,
    barsPerRequest: 1000,

    async instrument(venueSymbol) {
      let body: unknown;
      try {
        body = await getJson(
          'finnhub',
          `${rest}/stock/profile2?symbol=${encodeURIComponent(venueSymbol)}&${key}`,
        );
      } catch (error) {
        if (error instanceof VenueError && /answered 401/.test(error.message)) {
          throw new VenueError('finnhub refused the key: check FINNHUB_TOKEN');
        }
        throw error;
      }
      const info = profile.parse(body);
      // Finnhub answers an unknown symbol with an empty object.
      if (info.ticker === undefined && info.name === undefined) {
        throw new VenueError(`finnhub knows no ${venueSymbol}`, true);
      }
      return {
        venueSymbol,
        tickStep: TICK_STEP,
        lotStep: LOT_STEP,
        instrument: {
          symbol: `FINNHUB:${venueSymbol}`,
          name: info.name ?? venueSymbol,
          assetClass: 'equity',
          tickSize: Number(TICK_STEP),
          precision: 4,
          lotSize: 1,
          sizePrecision: 0,
          currency: info.currency ?? 'USD',
        },
      };
    },

    socketUrl: () => `${wsUrl.replace(/\/$/, '')}?${key}`,

    subscriptions: (venueSymbols) =>
      venueSymbols.map((symbol) => JSON.stringify({ type: 'subscribe', symbol })),

    parse(text) {
      const message = JSON.parse(text) as { type?: unknown; msg?: unknown };
      if (message.type === 'ping') return [{ kind: 'ignored' }];
      if (message.type === 'error') return [{ kind: 'error', message: String(message.msg) }];
      const parsed = trades.safeParse(message);
      if (!parsed.success) {
        return [
          { kind: 'malformed', reason: `${String(message.type)}: ${parsed.error.issues[0]?.message ?? ''}` },
        ];
      }
      return parsed.data.data.map(({ s, p, t, v }): VenueMessage => ({
        kind: 'trade',
        venueSymbol: s,
        time: t,
        price: String(p),
        size: String(v),
      }));
    },

    async bars(venueSymbol, interval, from, to) {
      const resolution = RESOLUTION[interval];
      if (resolution === undefined) return [];
      const query = `symbol=${encodeURIComponent(venueSymbol)}&resolution=${resolution}&from=${Math.floor(from / 1000)}&to=${Math.ceil(to / 1000) - 1}&${key}`;
      let body: unknown;
      try {
        body = await getJson('finnhub', `${rest}/stock/candle?${query}`);
      } catch (error) {
        // A key without candle access (Finnhub's free plan): the bars start with the live stream.
        if (error instanceof VenueError && /answered 403/.test(error.message)) return [];
        throw error;
      }
      const parsed = candles.parse(body);
      if (parsed.s === 'no_data') return [];
      const bars: VenueBar[] = parsed.t.map((time, i) => ({
        time: time as UnixSeconds,
        open: String(parsed.o[i]),
        high: String(parsed.h[i]),
        low: String(parsed.l[i]),
        close: String(parsed.c[i]),
        volume: String(parsed.v[i]),
      }));
      return bars.filter((bar) => bar.time * 1000 >= from && bar.time * 1000 < to);
    },
  };
}
