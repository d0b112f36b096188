import type { UnixMillis } from './nominal';

/**
 * Time and timers, behind one seam so tests and replays can drive time instead of sleeping: the server's and the
 * page's (both run on `systemClock`).
 */
export interface Clock {
  now(): UnixMillis;
  /** Calls `callback` once after `ms`; returns the function that cancels it. */
  setTimer(callback: () => void, ms: number): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now() as UnixMillis,
  setTimer(callback, ms) {
    const handle = setTimeout(callback, ms);
    return () => clearTimeout(handle);
  },
};
