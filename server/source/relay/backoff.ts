/** Delays between reconnection attempts: capped exponential with full jitter (AWS's "Exponential Backoff And Jitter"). */
export interface Backoff {
  /** The delay before the next attempt, ms: uniform in [0, min(max, min × 2^attempts)). */
  next(): number;
  /** After a success: the next delay starts from the minimum again. */
  reset(): void;
}

export interface BackoffOptions {
  minMs?: number;
  maxMs?: number;
  /** Uniform in [0, 1); a seeded one in tests. */
  random?: () => number;
}

export function createBackoff({
  minMs = 500,
  maxMs = 30_000,
  random = Math.random,
}: BackoffOptions = {}): Backoff {
  let attempts = 0;
  return {
    next() {
      const cap = Math.min(maxMs, minMs * 2 ** attempts);
      attempts = Math.min(attempts + 1, 30);
      return Math.floor(random() * cap);
    },
    reset() {
      attempts = 0;
    },
  };
}
