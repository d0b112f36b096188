import type { QuoteEntry } from './protocol';
import { patchQuote, quoteFromSnapshot, SNAPSHOT, type Quote } from './quote';

/** The client's mirror of one symbol. */
export interface BookEntry {
  seq: number;
  quote: Quote;
  /** A delta was missed: the quote is held as it was until a snapshot replaces it. */
  stale: boolean;
}

/** The client's mirror of the server's quotes, one entry per subscribed symbol. Never mutated in place. */
export type QuoteBook = Readonly<Record<string, BookEntry>>;

export interface BookUpdate {
  book: QuoteBook;
  /** Symbols that missed an update (or got one that does not decode) and need a snapshot. */
  gaps: string[];
}

/** Replaces a symbol's state with a snapshot entry (mask 0, every field absolute). */
export function applySnapshot(book: QuoteBook, entry: QuoteEntry): QuoteBook {
  const [symbol, seq, mask, ...values] = entry;
  const quote = mask === SNAPSHOT ? quoteFromSnapshot(values) : undefined;
  if (!quote) throw new Error(`snapshot of ${symbol} is not a full quote`);
  return { ...book, [symbol]: { seq, quote, stale: false } };
}

/**
 * Applies deltas in order. A delta whose seq is not the next one for its symbol is not applied: the symbol
 * turns stale and is reported as a gap, and later deltas are refused too until a snapshot arrives. A snapshot
 * entry in a frame replaces the symbol whatever seq it held (the server sends these to a client that fell
 * behind). Entries at or below the held seq (overtaken by a snapshot) and entries for symbols not held
 * are ignored.
 */
export function applyDeltas(book: QuoteBook, entries: readonly QuoteEntry[]): BookUpdate {
  let next: Record<string, BookEntry> | undefined;
  const gaps: string[] = [];
  for (const [symbol, seq, mask, ...values] of entries) {
    const held = (next ?? book)[symbol];
    if (!held || seq <= held.seq) continue;
    next ??= { ...book };
    const inOrder = seq === held.seq + 1 && !held.stale;
    const quote =
      mask === SNAPSHOT
        ? quoteFromSnapshot(values)
        : inOrder
          ? patchQuote(held.quote, mask, values)
          : undefined;
    if (quote) {
      next[symbol] = { seq, quote, stale: false };
    } else {
      if (!held.stale) next[symbol] = { ...held, stale: true };
      if (!gaps.includes(symbol)) gaps.push(symbol);
    }
  }
  return { book: next ?? book, gaps };
}

/** The book without the given symbols. */
export function removeSymbols(book: QuoteBook, symbols: readonly string[]): QuoteBook {
  if (!symbols.some((s) => s in book)) return book;
  const next = { ...book };
  for (const symbol of symbols) delete next[symbol];
  return next;
}
