import type { QuoteEntry } from '../../lib/protocol';
import { QUOTE_FIELDS, SNAPSHOT, type Quote } from '../../lib/quote';
import { applyDeltas, applySnapshot, type QuoteBook } from '../../lib/quote-book';

/** What a client holds of its symbols, checked against the server's final state at the end of a run. */
export interface Mirror {
  /** Symbols waiting for a snapshot after a gap. */
  readonly stale: ReadonlySet<string>;
  /** Updates whose seq was not the next one. */
  readonly gaps: number;
  /** Whether the symbol is held, not stale, and equal to `expected` (values in `QUOTE_FIELDS` order). */
  matches(symbol: string, expected: readonly number[] | undefined): boolean;
  /** The held values, for a report. */
  values(symbol: string): readonly number[] | undefined;
}

const FIELDS = QUOTE_FIELDS.length;
const TIME = QUOTE_FIELDS.indexOf('time');

const equal = (held: readonly number[] | undefined, expected: readonly number[] | undefined): boolean =>
  held !== undefined && expected !== undefined && held.every((value, i) => value === expected[i]);

/** O's client state, either kind: takes the subscribe acknowledgement's snapshots and each frame's entries. */
export interface QuoteMirror extends Mirror {
  snapshot(entry: QuoteEntry): void;
  /** Applies a frame's entries; `onUpdate` gets the tick time each applied symbol now holds. */
  frame(entries: readonly QuoteEntry[], onUpdate: (tickTime: number) => void): void;
}

/**
 * O's client state kept by the browser's own reducers (lib/quote-book.ts), so a run checks that what the server
 * sends rebuilds its state through the code the dashboard runs. They copy the book on every frame, which costs
 * the load generator more than the server spends on the frame, so only a sample of clients use them.
 */
export class BookMirror implements QuoteMirror {
  private book: QuoteBook = {};
  private readonly staleSymbols = new Set<string>();
  gaps = 0;

  get stale(): ReadonlySet<string> {
    return this.staleSymbols;
  }

  snapshot(entry: QuoteEntry): void {
    this.book = applySnapshot(this.book, entry);
    this.staleSymbols.delete(entry[0]);
  }

  frame(entries: readonly QuoteEntry[], onUpdate: (tickTime: number) => void): void {
    const { book, gaps } = applyDeltas(this.book, entries);
    this.book = book;
    for (const symbol of gaps) {
      if (!this.staleSymbols.has(symbol)) this.gaps++;
      this.staleSymbols.add(symbol);
    }
    for (const [symbol] of entries) {
      const held = book[symbol];
      if (held && !held.stale) {
        this.staleSymbols.delete(symbol);
        onUpdate(held.quote.time);
      }
    }
  }

  values(symbol: string): readonly number[] | undefined {
    const quote = this.book[symbol]?.quote;
    return quote && QUOTE_FIELDS.map((field) => quote[field as keyof Quote]);
  }

  matches(symbol: string, expected: readonly number[] | undefined): boolean {
    return !this.book[symbol]?.stale && equal(this.values(symbol), expected);
  }
}

interface Held {
  seq: number;
  values: number[];
  stale: boolean;
}

/**
 * O's client state for most clients: the same rules as lib/quote-book.ts (docs/protocol.md), applied in place. A
 * snapshot entry (mask SNAPSHOT) holds every field and replaces the symbol; a delta holds the change of each
 * field its mask names and applies only on the next seq, otherwise the symbol turns stale until a snapshot.
 */
export class DeltaMirror implements QuoteMirror {
  private readonly held = new Map<string, Held>();
  private readonly staleSymbols = new Set<string>();
  gaps = 0;

  get stale(): ReadonlySet<string> {
    return this.staleSymbols;
  }

  snapshot(entry: QuoteEntry): void {
    const symbol = entry[0];
    let held = this.held.get(symbol);
    if (!held) this.held.set(symbol, (held = { seq: 0, values: new Array<number>(FIELDS), stale: false }));
    for (let i = 0; i < FIELDS; i++) held.values[i] = entry[3 + i] as number;
    held.seq = entry[1];
    held.stale = false;
    this.staleSymbols.delete(symbol);
  }

  frame(entries: readonly QuoteEntry[], onUpdate: (tickTime: number) => void): void {
    for (const entry of entries) {
      const held = this.held.get(entry[0]);
      const seq = entry[1];
      const mask = entry[2];
      if (!held || seq <= held.seq) continue;
      if (mask === SNAPSHOT) {
        this.snapshot(entry);
      } else if (seq === held.seq + 1 && !held.stale) {
        let v = 3;
        for (let i = 0; i < FIELDS; i++) {
          if (mask & (1 << i)) (held.values[i] as number) += entry[v++] as number;
        }
        held.seq = seq;
      } else {
        if (!held.stale) this.gaps++;
        held.stale = true;
        this.staleSymbols.add(entry[0]);
        continue;
      }
      onUpdate(held.values[TIME] as number);
    }
  }

  values(symbol: string): readonly number[] | undefined {
    return this.held.get(symbol)?.values;
  }

  matches(symbol: string, expected: readonly number[] | undefined): boolean {
    const held = this.held.get(symbol);
    return held !== undefined && !held.stale && equal(held.values, expected);
  }
}

/** L's and N's client state: each message carries a symbol's whole state, which replaces what was held. */
export class LatestMirror implements Mirror {
  private readonly held = new Map<string, number[]>();
  readonly stale: ReadonlySet<string> = new Set();
  readonly gaps = 0;

  /** Takes `FIELDS` values of `source` from `offset`; returns the tick time they carry. */
  replace(symbol: string, source: readonly unknown[], offset: number): number {
    let values = this.held.get(symbol);
    if (!values) this.held.set(symbol, (values = new Array<number>(FIELDS)));
    for (let i = 0; i < FIELDS; i++) values[i] = source[offset + i] as number;
    return values[TIME] as number;
  }

  values(symbol: string): readonly number[] | undefined {
    return this.held.get(symbol);
  }

  matches(symbol: string, expected: readonly number[] | undefined): boolean {
    return equal(this.held.get(symbol), expected);
  }
}
