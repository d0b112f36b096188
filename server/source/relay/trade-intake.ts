import type { UnixMillis } from '../../../lib/nominal';
import type { TradeEvent } from '../price-source';

export type Intake = 'accepted' | 'duplicate' | 'late';

/** More missing trade numbers than this at once is a gap at once (a reconnect after a long pause). */
const MAX_MISSING = 10_000;

/**
 * One symbol's trades as they arrive: drops a trade seen before (by the venue's trade number, or by time, price and
 * size where it has none) and one older than the grace window, and notes numbers skipped on the way, which are a gap
 * if they have not turned up when the grace window has passed.
 */
export class TradeIntake {
  private readonly graceMs: number;
  private readonly seen = new Map<number | string, number>();
  private newest = -Infinity;
  private maxId: number | undefined;
  /** Missing trade numbers, with the time they were noticed. */
  private readonly missing = new Map<number, number>();
  /** The newest trade time before the first missing number was noticed: the gap is after it. */
  private missingAfter = Infinity;
  private overflow = false;

  constructor(graceMs: number) {
    this.graceMs = graceMs;
  }

  /** The newest trade time accepted, unix ms (-Infinity before any). */
  get newestTime(): number {
    return this.newest;
  }

  accept(trade: TradeEvent, now: UnixMillis): Intake {
    const key = trade.tradeId ?? `${trade.time}|${trade.price}|${trade.size}`;
    if (this.seen.has(key)) return 'duplicate';
    if (trade.time < this.newest - this.graceMs) return 'late';
    this.seen.set(key, trade.time);
    const before = this.newest;
    if (trade.time > this.newest) this.newest = trade.time;
    if (trade.tradeId !== undefined) this.numbered(trade.tradeId, now, before);
    return 'accepted';
  }

  /** The venue says it matched up to `lastTradeId` (Coinbase's heartbeat): anything after our last is missing. */
  heard(lastTradeId: number, now: UnixMillis): void {
    if (this.maxId !== undefined && lastTradeId > this.maxId)
      this.numbered(lastTradeId + 1, now, this.newest, false);
  }

  /**
   * When trades have been missing for longer than the grace window: the time after which they are missing (then
   * they are forgotten, and the caller repairs from the venue's bars). Also forgets trade keys too old to matter.
   */
  gap(now: UnixMillis): number | undefined {
    for (const [key, time] of this.seen) if (time < this.newest - 2 * this.graceMs) this.seen.delete(key);
    let gap = this.overflow;
    for (const noticed of this.missing.values()) if (now - noticed >= this.graceMs) gap = true;
    if (!gap) return undefined;
    // Trades arrive out of order within the grace window, so the missing ones may be that much older.
    const after = this.missingAfter - this.graceMs;
    this.forgetMissing();
    return after;
  }

  /** Forgets missing numbers: a repair is under way, which covers them. */
  forgetMissing(): void {
    this.missing.clear();
    this.missingAfter = Infinity;
    this.overflow = false;
  }

  private numbered(id: number, now: UnixMillis, before: number, arrived = true): void {
    this.missing.delete(id);
    if (this.maxId === undefined) {
      this.maxId = arrived ? id : id - 1;
      return;
    }
    if (id > this.maxId + 1) {
      if (this.missing.size === 0 && !this.overflow) this.missingAfter = before;
      if (id - this.maxId - 1 > MAX_MISSING) this.overflow = true;
      else for (let missed = this.maxId + 1; missed < id; missed++) this.missing.set(missed, now);
    }
    const newest = arrived ? id : id - 1;
    if (newest > this.maxId) this.maxId = newest;
  }
}
