import type { UnixMillis } from '../../lib/nominal';
import type { Clock } from '../clock';

interface Timer {
  due: number;
  order: number;
  callback: () => void;
}

/** Real time spent firing timers per turn at speed 0, before letting sockets and I/O have the process. */
const FAST_SLICE_MS = 20;
/** Real ms between turns while playing at a finite speed. */
const TURN_MS = 16;

/**
 * The clock of a replay: the recording's time, moved on by a real timer at `speed` times the real pace (0: from
 * one timer to the next as fast as the process can), paused and sought at will. Timers fire in due order with
 * `now()` reading their due time, as on a manual clock, so everything on it (the replay's events, the fan-out's
 * flushes) happens in the order and at the times it did when recorded.
 */
export class ReplayClock implements Clock {
  private time: number;
  private timers: Timer[] = [];
  private created = 0;
  private readonly real: Clock;
  private speedValue: number;
  private pausedValue = false;
  private lastReal = 0;
  private stopTurn: (() => void) | undefined;

  constructor(start: number, speed: number, real: Clock) {
    this.time = start;
    this.speedValue = speed;
    this.real = real;
  }

  now(): UnixMillis {
    return this.time as UnixMillis;
  }

  setTimer(callback: () => void, ms: number): () => void {
    const delay = Number.isFinite(ms) && ms >= 1 ? ms : 1;
    const timer: Timer = { due: this.time + delay, order: this.created++, callback };
    let lo = 0;
    let hi = this.timers.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const other = this.timers[mid] as Timer;
      if (other.due < timer.due || (other.due === timer.due && other.order < timer.order)) lo = mid + 1;
      else hi = mid;
    }
    this.timers.splice(lo, 0, timer);
    return () => {
      const index = this.timers.indexOf(timer);
      if (index >= 0) this.timers.splice(index, 1);
    };
  }

  get speed(): number {
    return this.speedValue;
  }

  get paused(): boolean {
    return this.pausedValue;
  }

  setSpeed(speed: number): void {
    this.speedValue = speed;
    this.schedule();
  }

  pause(): void {
    this.pausedValue = true;
  }

  play(): void {
    this.pausedValue = false;
    this.lastReal = this.real.now();
    this.schedule();
  }

  /** Moves to `time` without firing anything; pending timers keep their delays, so periodic work carries on. */
  jump(time: number): void {
    const shift = time - this.time;
    for (const timer of this.timers) timer.due += shift;
    this.time = time;
  }

  /** Starts moving; returns the function that stops it. */
  start(): () => void {
    this.lastReal = this.real.now();
    this.schedule();
    return () => {
      this.stopTurn?.();
      this.stopTurn = undefined;
    };
  }

  private schedule(): void {
    this.stopTurn?.();
    const fast = this.speedValue === 0 && !this.pausedValue;
    this.stopTurn = this.real.setTimer(() => this.turn(), fast ? 0 : TURN_MS);
  }

  private turn(): void {
    const real = this.real.now();
    const elapsed = real - this.lastReal;
    this.lastReal = real;
    if (!this.pausedValue) {
      if (this.speedValue > 0) this.runTo(this.time + elapsed * this.speedValue);
      else {
        const deadline = performance.now() + FAST_SLICE_MS;
        while (!this.pausedValue && this.timers.length > 0 && performance.now() < deadline) {
          this.fire(this.timers.shift() as Timer);
        }
      }
    }
    this.schedule();
  }

  private runTo(until: number): void {
    while (!this.pausedValue && this.timers.length > 0 && (this.timers[0] as Timer).due <= until) {
      this.fire(this.timers.shift() as Timer);
    }
    if (!this.pausedValue) this.time = Math.max(this.time, until);
  }

  private fire(timer: Timer): void {
    this.time = Math.max(this.time, timer.due);
    timer.callback();
  }
}
