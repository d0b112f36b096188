import type { Received } from '../commands';
import { Histogram } from '../histogram';

/** Counts what a group of clients receives while the window is open. */
export class Recorder {
  measuring = false;
  frames = 0;
  updates = 0;
  latency = new Histogram();
  /** `performance.now()` of the last message, measuring or not. */
  lastMessageAt = 0;

  /** One message carrying `updates` quote updates. */
  frame(updates: number): void {
    this.lastMessageAt = performance.now();
    if (!this.measuring) return;
    this.frames++;
    this.updates += updates;
  }

  /** An update carrying a tick of `tickTime` (unix ms). */
  update(receivedAt: number, tickTime: number): void {
    if (this.measuring) this.latency.record((receivedAt - tickTime) * 1000);
  }

  start(): void {
    this.frames = 0;
    this.updates = 0;
    this.latency = new Histogram();
    this.measuring = true;
  }

  stop(clients: number, bytes: number): Received {
    this.measuring = false;
    return { clients, frames: this.frames, updates: this.updates, bytes, latency: this.latency.toData() };
  }
}

/** Now as unix ms with sub-millisecond resolution, comparable across processes on one machine. */
export function wallClock(): number {
  return performance.timeOrigin + performance.now();
}
