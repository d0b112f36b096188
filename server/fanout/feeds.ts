import { INTERVALS, type Interval } from '../../lib/intervals';
import type { QuoteEntry } from '../../lib/protocol';
import { diffQuote, SNAPSHOT, snapshotValues, type Quote } from '../../lib/quote';
import type { Client } from './client';
import { encodeEntry, type EncodedEntry } from './wire';

/** What the subscribers of one symbol at one flush period have been sent. */
export class QuoteFeed {
  readonly symbol: string;
  seq = 0;
  published: Quote | undefined;
  readonly subscribers = new Set<Client>();
  /** Changed since this feed's last flush. */
  dirty = false;
  /** Its flush period's list of changed feeds, which it joins when it first changes after a flush. */
  readonly changed: QuoteFeed[];
  private snapshotSeq = -1;
  private snapshotBytes: EncodedEntry | undefined;

  constructor(symbol: string, changed: QuoteFeed[]) {
    this.symbol = symbol;
    this.changed = changed;
  }

  /**
   * Moves the published quote to `live` and returns the delta, or undefined when no field changed. Every
   * subscriber gets this one entry.
   */
  publish(live: Readonly<Quote> | undefined): QuoteEntry | undefined {
    if (!live) return undefined;
    if (!this.published) {
      // The first quote: there is nothing to diff against, and nobody can hold an earlier one.
      this.seq++;
      this.published = { ...live };
      return this.snapshot();
    }
    const { mask, values } = diffQuote(this.published, live);
    if (mask === 0) return undefined;
    this.seq++;
    this.published = { ...live };
    return [this.symbol, this.seq, mask, ...values];
  }

  /** The published quote as a snapshot entry, every field present. */
  snapshot(): QuoteEntry | undefined {
    if (!this.published) return undefined;
    return [this.symbol, this.seq, SNAPSHOT, ...snapshotValues(this.published)];
  }

  /** The snapshot entry encoded, once per change however many lagging clients need it. */
  encodedSnapshot(): EncodedEntry | undefined {
    if (this.snapshotSeq !== this.seq) {
      const snapshot = this.snapshot();
      if (!snapshot) return undefined;
      const bytes = encodeEntry(snapshot);
      // Kept until the feed changes: a copy in memory of its own, so it does not hold on to a whole 8 KB block of
      // Node's buffer pool, where small encodings are cut from.
      this.snapshotBytes = Buffer.allocUnsafeSlow(bytes.length);
      bytes.copy(this.snapshotBytes);
      this.snapshotSeq = this.seq;
    }
    return this.snapshotBytes;
  }
}

/**
 * One (symbol, interval) candle stream at one flush period, and the times of the bars changes touched since its
 * last flush: it reads their values from the market when it flushes.
 */
export class CandleFeed {
  readonly symbol: string;
  readonly interval: Interval;
  /** Position of `interval` in `INTERVALS`, where the market reports the bar a trade touched. */
  readonly intervalIndex: number;
  seq = 0;
  readonly subscribers = new Set<Client>();
  touched: number[] = [];
  /** Set when the market reset the symbol: from this bar time on, its subscribers are sent every bar again. */
  resetSince: number | undefined;
  /** Its flush period's list of changed streams, which it joins when a trade first touches it after a flush. */
  readonly changed: CandleFeed[];

  constructor(symbol: string, interval: Interval, changed: CandleFeed[]) {
    this.symbol = symbol;
    this.interval = interval;
    this.intervalIndex = INTERVALS.indexOf(interval);
    this.changed = changed;
  }
}
