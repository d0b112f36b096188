import { isIP } from 'node:net';
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
/** A source `FEED` names: a live one, or `replay:<file-or-folder>` (a recording, alone). */
export type FeedName = (typeof FEEDS)[number] | `replay:${string}`;
const feedName = z.union([z.enum(FEEDS), z.templateLiteral(['replay:', z.string().min(1)])], {
  error: `each must be one of ${FEEDS.join(', ')}, or replay:<file-or-folder>`,
});

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
  /**
   * Runs the simulated market from this moment (an ISO time with its offset, such as 2025-11-28T12:55:00-05:00)
   * instead of now: its clock starts there and runs at the real pace, so a holiday, an early close or a weekend
   * can be shown at once.
   */
  SIM_START: z.iso
    .datetime({ offset: true, error: 'must be an ISO time with a zone, such as 2025-11-28T17:55:00Z' })
    .transform((value) => Date.parse(value))
    .optional(),
  /** A replay's pace: 1 real time, 2 twice as fast, 0 as fast as the process can. */
  REPLAY_SPEED: z.coerce.number().min(0).max(10_000).default(1),
  /** Appends every source event to this NDJSON file (rotated by size or UTC day: `run.1.ndjson`, …). */
  RECORD: z.string().min(1).optional(),
  /** A recording file that reaches this many bytes is closed and the next begun. */
  RECORD_MAX_BYTES: integer(1024, 2 ** 40, 256 * 1024 * 1024),
  /** Bars kept per symbol and interval (history served by /api/candles and on scroll). */
  HISTORY_BARS: integer(500, 100_000, 2000),
  /**
   * Browser origins allowed to open a socket or read the API, comma separated: exact origins
   * (`https://board.example:8443`), `*` for any, and the keywords `self` (the page's own origin, implied) and
   * `!self` (not even the own origin). See server/socket/origin.ts.
   */
  ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .superRefine((entries, context) => {
      for (const entry of entries) {
        if (!isOriginEntry(entry)) {
          context.addIssue({
            code: 'custom',
            message: `${JSON.stringify(entry)} is not an origin (scheme://host[:port], no path), *, self or !self`,
          });
        }
      }
    }),
  /**
   * The URL the public reaches the dashboard at (`https://demo.example`). Set, it is the only "own origin", and
   * requests naming another Host are refused (a DNS-rebinding host name). Empty: the Host header decides.
   */
  PUBLIC_ORIGIN: z
    .string()
    .default('')
    .refine((value) => value === '' || isOrigin(value), 'must be an origin: scheme://host[:port], no path'),
  /**
   * Peers whose X-Forwarded-For and X-Forwarded-Proto are believed: IP addresses or CIDR ranges, comma separated.
   * Empty: the TCP peer is the client.
   */
  TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .superRefine((entries, context) => {
      for (const entry of entries) {
        if (!isAddressOrRange(entry)) {
          context.addIssue({
            code: 'custom',
            message: `${JSON.stringify(entry)} is not an IP address or CIDR range`,
          });
        }
      }
    }),
  /** Socket.IO sessions one client address may hold, and TCP connections one untrusted peer may open. */
  MAX_CONNECTIONS_PER_IP: integer(1, 100_000, 100),
  /** A connection that has not completed a Socket.IO connect (or sent an HTTP request) by then is closed. */
  HANDSHAKE_TIMEOUT_MS: integer(1000, 120_000, 10_000),
  /** HTTP API requests a second per client address (bursts of twice that pass); over it, 429. */
  API_REQUESTS_PER_SECOND: integer(1, 100_000, 20),
  /** Bars a second /api/candles serves one client address (bursts of twice that, at least one full page). */
  API_BARS_PER_SECOND: integer(100, 10_000_000, 10_000),
  /** HS256 secret; set, every socket and API request needs a token signed with it (`npm run token`). */
  AUTH_SECRET: z
    .string()
    .default('')
    .refine((value) => value === '' || value.length >= 32, 'must be at least 32 characters (or unset)'),
  MAX_SUBSCRIPTIONS: integer(1, 10_000, 200),
  /** Bytes one connection may leave unread (answers and frames) before it is closed. */
  MAX_QUEUED_BYTES: integer(64 * 1024, 256 * 1024 * 1024, 4 * 1024 * 1024),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Where prices come from, comma separated: the simulator and any of the relays. */
  FEED: list('sim').pipe(
    z
      .array(feedName)
      .min(1, 'must name at least one source')
      .refine((names) => names.length === 1 || !names.some((name) => name.startsWith('replay:')), {
        message: 'a replay plays alone: FEED=replay:<file-or-folder> with no other source',
      }),
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

/** A serialized http(s) origin, exactly as a browser sends it in `Origin`. */
function isOrigin(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  // A host name of letters, digits, dots and hyphens, or an IP address: `https://*.example` is no wildcard here.
  const host = /^[a-z0-9.-]+$/.test(url.hostname) || /^\[[0-9a-f:.]+\]$/.test(url.hostname);
  return (url.protocol === 'http:' || url.protocol === 'https:') && host && url.origin === value;
}

function isOriginEntry(value: string): boolean {
  return value === '*' || value === 'self' || value === '!self' || isOrigin(value);
}

function isAddressOrRange(value: string): boolean {
  const [address = '', bits, ...rest] = value.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  const prefix = Number(bits);
  return /^\d+$/.test(bits) && prefix <= (family === 4 ? 32 : 128);
}

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
