import { z } from 'zod';
import { INTERVALS } from '../../lib/intervals';
import { SYMBOL_STATUSES } from '../../lib/protocol';

/**
 * The HTTP API's schemas, in one place: the query schemas validate requests (server/http/api.ts), the response
 * schemas type what it sends, and both generate its OpenAPI description (server/http/openapi.ts).
 */

/** Symbols one `GET /api/quotes` may ask for. */
export const MAX_QUOTE_SYMBOLS = 50;

export const candleQuery = (maxBars: number) =>
  z.object({
    symbol: z
      .string({ error: 'is required' })
      .min(1, 'is required')
      .describe('A symbol of `GET /api/symbols`.'),
    interval: z
      .enum(INTERVALS, { error: `must be one of ${INTERVALS.join(', ')}` })
      .describe('The bar interval.'),
    limit: z.coerce
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(maxBars, `must be at most ${maxBars}`)
      .default(500)
      .describe('How many bars, the newest of the range.'),
    before: z.coerce
      .number({ error: 'must be unix seconds' })
      .int('must be unix seconds')
      .min(0, 'must be unix seconds')
      .optional()
      .describe('Only bars that start before this time, unix seconds (exclusive): the page before.'),
    format: z
      .enum(['json', 'csv'], { error: 'must be json or csv' })
      .default('json')
      .describe('`csv`: a download with a header row `time,open,high,low,close,volume`.'),
  });

export const quoteQuery = z.object({
  symbols: z
    .string({ error: 'is required' })
    .describe(`Comma-separated symbols, at most ${MAX_QUOTE_SYMBOLS}.`)
    .transform((text) =>
      text
        .split(',')
        .map((symbol) => symbol.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(z.string())
        .min(1, 'is required')
        .max(MAX_QUOTE_SYMBOLS, `must list at most ${MAX_QUOTE_SYMBOLS} symbols`),
    ),
});

export const instrumentSchema = z.object({
  symbol: z.string(),
  name: z.string(),
  assetClass: z.enum(['equity', 'crypto', 'fx']),
  tickSize: z.number().describe('Smallest price increment; prices travel as integer multiples of it.'),
  precision: z.int().describe('Decimal places to show a price with.'),
  lotSize: z.number().describe('Smallest quantity increment.'),
  sizePrecision: z.int(),
  currency: z.string(),
  source: z.string().describe('The source that carries it: `sim`, `binance`, `coinbase` or `finnhub`.'),
  status: z
    .enum(SYMBOL_STATUSES)
    .describe('`live`, `stale` (its upstream is down or silent) or `closed` (outside its session).'),
});

export const symbolsResponse = z.object({ symbols: z.array(instrumentSchema) });

export const apiBarSchema = z.object({
  time: z.int().describe('Start of the bar, unix seconds (UTC).'),
  open: z.number(),
  high: z.number(),
  low: z.number(),
  close: z.number(),
  volume: z.number(),
});

export const candlesResponse = z.object({
  symbol: z.string(),
  interval: z.enum(INTERVALS),
  bars: z.array(apiBarSchema).describe('Ascending by time, decimal prices and quantities.'),
});

export const apiQuoteSchema = z.object({
  symbol: z.string(),
  status: z.enum(SYMBOL_STATUSES).describe('Whether the quote is current: `live`, `stale` or `closed`.'),
  source: z.string(),
  last: z.number(),
  bid: z.number(),
  ask: z.number(),
  open: z.number().describe('Of the current UTC day.'),
  high: z.number(),
  low: z.number(),
  prevClose: z.number().describe("The previous day's close."),
  volume: z.number().describe("The current UTC day's volume."),
  change: z.number().describe('last - prevClose.'),
  changePercent: z.number().describe('In percent of prevClose, 4 decimals.'),
  time: z.int().describe('Time of the last change, unix ms.'),
});

export const quotesResponse = z.object({
  quotes: z.array(apiQuoteSchema).describe('In the order asked.'),
});

export const sparklinesResponse = z.object({
  interval: z.enum(INTERVALS).describe('The bars the closes are of (5m).'),
  sparklines: z
    .array(
      z.object({
        symbol: z.string(),
        day: z
          .int()
          .nullable()
          .describe('The trading day, 00:00 UTC of its date, unix seconds; null before the symbol has one.'),
        closes: z
          .array(z.number())
          .describe(
            "Closes of the day's session's 5m bars (regular hours for equities), at most 64, evenly thinned, the newest last.",
          ),
      }),
    )
    .describe('In the order asked.'),
});

export const healthResponse = z.object({
  status: z.literal('ok'),
  protocol: z.int().describe('PROTOCOL_VERSION of the socket feed.'),
  uptimeSeconds: z.number().optional(),
  connections: z.int().optional(),
  symbols: z.int().optional(),
  sources: z
    .record(
      z.string(),
      z.object({
        state: z.enum(['connecting', 'live', 'stale', 'down']),
        reason: z.string().optional(),
        since: z.int().describe('unix ms'),
      }),
    )
    .optional()
    .describe("Each price source's upstream, by name."),
});

export const errorResponse = z.object({
  error: z.object({
    code: z.enum([
      'INVALID_PARAMETER',
      'UNKNOWN_SYMBOL',
      'NOT_FOUND',
      'METHOD_NOT_ALLOWED',
      'RATE_LIMITED',
      'TOKEN_MISSING',
      'TOKEN_INVALID',
      'TOKEN_EXPIRED',
      'INTERNAL',
    ]),
    message: z.string(),
    parameter: z.string().optional().describe('The query parameter at fault.'),
    symbols: z.array(z.string()).optional().describe('The unknown symbols.'),
  }),
});
export type ErrorResponse = z.infer<typeof errorResponse>;
