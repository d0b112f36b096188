import type { UnixMillis } from '../../lib/nominal';
import type { Clock } from '../../server/clock';

interface Timer {
  due: number;
  /** Order of creation: timers due at the same time fire in the order they were set. */
  order: number;
  callback: () => void;
}

/** A Monday afternoon, UTC: far from a day boundary unless a test asks for one. */
export const DEFAULT_START = Date.UTC(2025, 0, 6, 14, 30, 0);

/**
 * A clock that stands still until a test advances it. Timers fire inside `advance`, in due order, with `now()`
 * reading each timer's due time while its callback runs, so code under test sees time pass as it would live.
 */
export class ManualClock implements Clock {
  private time: number;
  private timers: Timer[] = [];
  private created = 0;

  constructor(start: number = DEFAULT_START) {
    this.time = start;
  }

  now(): UnixMillis {
    return this.time as UnixMillis;
  }

  setTimer(callback: () => void, ms: number): () => void {
    // Like setTimeout: a delay under 1 ms (or not a number) is 1 ms, so a timer that re-arms itself with 0
    // cannot spin `advance` forever.
    const delay = Number.isFinite(ms) && ms >= 1 ? ms : 1;
    const timer: Timer = { due: this.time + delay, order: this.created++, callback };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Timers set and not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way (also those set meanwhile). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error(`cannot advance a clock by ${ms} ms`);
    const end = this.time + ms;
    for (let timer = this.nextDue(end); timer; timer = this.nextDue(end)) {
      this.timers = this.timers.filter((t) => t !== timer);
      this.time = Math.max(this.time, timer.due);
      timer.callback();
    }
    this.time = end;
  }

  private nextDue(end: number): Timer | undefined {
    let next: Timer | undefined;
    for (const timer of this.timers) {
      if (timer.due > end) continue;
      if (!next || timer.due < next.due || (timer.due === next.due && timer.order < next.order)) next = timer;
    }
    return next;
  }
}
