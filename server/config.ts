import { z } from 'zod';

const integer = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const list = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value) =>
      value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    );

export const FEEDS = ['sim', 'binance', 'coinbase', 'finnhub'] as const;
export type FeedName = (typeof FEEDS)[number];

const url = (fallback: string) => z.url({ protocol: /^(wss?|https?)$/ }).default(fallback);

const schema = z.object({
  PORT: integer(0, 65535, 3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Flush period of subscriptions that ask for none: at most one frame per client per period. */
  FLUSH_MS: integer(100, 250, 150),
  /** Bounds of the flush period a subscription may ask for (`throttleMs`). */
  FLUSH_MIN_MS: integer(25, 10_000, 100),
  FLUSH_MAX_MS: integer(25, 60_000, 2000),
  /** A client whose connection has not drained for this long is disconnected. */
  SLOW_CLIENT_MS: integer(1000, 600_000, 30_000),
  SIM_SEED: integer(0, 2 ** 32 - 1, 1),
  /** Bars kept per symbol and interval (history served by /api/candles and on scroll). */
  HISTORY_BARS: integer(500, 100_000, 2000),
  /**
   * Browser origins allowed to open a socket, comma separated. Empty: the page's own origin only (the Origin
   * header's host equals the Host header). `*` allows any origin.
   */
  ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    ),
  MAX_SUBSCRIPTIONS: integer(1, 10_000, 200),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Where prices come from, comma separated: the simulator and any of the relays. */
  FEED: list('sim').pipe(
    z
      .array(z.enum(FEEDS, { error: `each must be one of ${FEEDS.join(', ')}` }))
      .min(1, 'must name at least one source'),
  ),
  /** A relayed symbol whose upstream is down or has sent nothing for this long is stale. */
  STALE_MS: integer(500, 600_000, 5000),
  BINANCE_SYMBOLS: list('BTCUSDT,ETHUSDT,BNBUSDT,SOLUSDT,XRPUSDT,DOGEUSDT,ADAUSDT,AVAXUSDT,LINKUSDT,LTCUSDT'),
  COINBASE_SYMBOLS: list(
    'BTC-USD,ETH-USD,SOL-USD,XRP-USD,DOGE-USD,ADA-USD,AVAX-USD,LINK-USD,LTC-USD,BCH-USD',
  ),
  FINNHUB_SYMBOLS: list('AAPL,MSFT,NVDA,AMZN,GOOGL,META,TSLA,AMD,NFLX,SPY'),
  /** Finnhub's API key (https://finnhub.io/dashboard); required when FEED includes finnhub. */
  FINNHUB_TOKEN: z.string().default(''),
  BINANCE_WS_URL: url('wss://stream.binance.com:9443'),
  BINANCE_REST_URL: url('https://api.binance.com'),
  COINBASE_WS_URL: url('wss://ws-feed.exchange.coinbase.com'),
  COINBASE_REST_URL: url('https://api.exchange.coinbase.com'),
  FINNHUB_WS_URL: url('wss://ws.finnhub.io'),
  FINNHUB_REST_URL: url('https://finnhub.io/api/v1'),
  /** PEM files of a certificate (chain) and its key: with both set, the server speaks https and wss itself. */
  TLS_CERT: z.string().min(1).optional(),
  TLS_KEY: z.string().min(1).optional(),
  /** Redis for the ingest and gateway roles (`npm run ingest`, `npm run gateway`); unused by `npm start`. */
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
  /** Entries the change stream keeps (XADD MAXLEN ~): a gateway further behind reloads a checkpoint. */
  STREAM_MAXLEN: integer(1000, 10_000_000, 20_000),
  /** How often ingest writes a checkpoint of the market state. */
  CHECKPOINT_MS: integer(1000, 600_000, 15_000),
  /** Gateway workers `npm run start:cluster` forks; 0 means one per core. */
  GATEWAYS: integer(0, 256, 0),
  /**
   * On SIGTERM, clients are told to reconnect elsewhere spread over this window (so they do not all land on the
   * next server at once); the process exits within 10 s whatever happens.
   */
  SHUTDOWN_SPREAD_MS: integer(0, 8000, 3000),
});

export type Config = z.infer<typeof schema>;

const checked = schema
  .refine((config) => config.FLUSH_MIN_MS <= config.FLUSH_MS && config.FLUSH_MS <= config.FLUSH_MAX_MS, {
    message: 'FLUSH_MIN_MS <= FLUSH_MS <= FLUSH_MAX_MS must hold',
    path: ['FLUSH_MS'],
  })
  .refine((config) => !config.FEED.includes('finnhub') || config.FINNHUB_TOKEN !== '', {
    message: 'is required when FEED includes finnhub (an API key from https://finnhub.io/dashboard)',
    path: ['FINNHUB_TOKEN'],
  })
  .refine((config) => (config.TLS_CERT === undefined) === (config.TLS_KEY === undefined), {
    message: 'TLS_CERT and TLS_KEY go together: set both or neither',
    path: ['TLS_CERT'],
  });

/**
 * The environment, parsed once at start with defaults. Throws an error that names every bad variable and what it
 * must be, so a mistyped deployment fails at start rather than at the first tick.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = checked.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new Error(`invalid configuration:\n${problems.join('\n')}`);
}

/** A configuration for tests and embedding: the defaults with some values replaced. */
export function configWith(overrides: Partial<Config>): Config {
  return { ...loadConfig({}), ...overrides };
}
