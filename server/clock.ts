import type { Clock } from '../lib/clock';
import type { UnixMillis } from '../lib/nominal';

export { systemClock, type Clock } from '../lib/clock';

/** Calls `callback` every `ms` on `clock`; returns the function that stops it. */
export function every(clock: Clock, ms: number, callback: () => void): () => void {
  let cancel = clock.setTimer(tick, ms);
  function tick(): void {
    cancel = clock.setTimer(tick, ms);
    callback();
  }
  return () => cancel();
}

/**
 * A clock that reads `start` now and runs at `base`'s pace from there, timers and all: `SIM_START` runs the
 * simulated market from another moment (a holiday, an early close, a weekend) through the same seam.
 */
export function shiftedClock(base: Clock, start: UnixMillis): Clock {
  const offset = start - base.now();
  return {
    now: () => (base.now() + offset) as UnixMillis,
    setTimer: (callback, ms) => base.setTimer(callback, ms),
  };
}
