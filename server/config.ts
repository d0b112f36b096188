import { z } from 'zod';

const integer = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

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
});

export type Config = z.infer<typeof schema>;

const checked = schema.refine(
  (config) => config.FLUSH_MIN_MS <= config.FLUSH_MS && config.FLUSH_MS <= config.FLUSH_MAX_MS,
  {
    message: 'FLUSH_MIN_MS <= FLUSH_MS <= FLUSH_MAX_MS must hold',
    path: ['FLUSH_MS'],
  },
);

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
