import type { UnixMillis } from '../lib/nominal';

/** Time and timers, behind one seam so tests and replays can drive time instead of sleeping. */
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

/** Calls `callback` every `ms` on `clock`; returns the function that stops it. */
export function every(clock: Clock, ms: number, callback: () => void): () => void {
  let cancel = clock.setTimer(tick, ms);
  function tick(): void {
    cancel = clock.setTimer(tick, ms);
    callback();
  }
  return () => cancel();
}
