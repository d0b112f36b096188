import type { Lots, Ticks, UnixMillis } from './nominal';

/**
 * A symbol's quote as the server keeps it and the client mirrors it. Prices are in ticks, volume in lots.
 * `open`, `high`, `low` and `volume` are those of the current UTC day's bar and `prevClose` the close of the
 * day before, so the board and the 1d chart can never disagree.
 */
export interface Quote {
  last: Ticks;
  bid: Ticks;
  ask: Ticks;
  open: Ticks;
  high: Ticks;
  low: Ticks;
  prevClose: Ticks;
  volume: Lots;
  time: UnixMillis;
}

/**
 * A bid or ask the source does not give (Finnhub's trades-only feed): shown as "—", never as a price. No real
 * price is zero ticks.
 */
export const NO_PRICE = 0 as Ticks;

/** Field order on the wire: bit `i` of a delta's mask stands for `QUOTE_FIELDS[i]`; snapshots list all in it. */
export const QUOTE_FIELDS = [
  'last',
  'bid',
  'ask',
  'open',
  'high',
  'low',
  'prevClose',
  'volume',
  'time',
] as const satisfies readonly (keyof Quote)[];

/** Every field's bit. */
export const FULL_MASK = (1 << QUOTE_FIELDS.length) - 1;

/** The mask of a snapshot entry: every field follows, as an absolute value. */
export const SNAPSHOT = 0;

/** A snapshot's values: every field, absolute, in field order. */
export function snapshotValues(quote: Quote): number[] {
  return QUOTE_FIELDS.map((field) => quote[field]);
}

/** The quote a snapshot's values describe, or undefined when they are not one finite number per field. */
export function quoteFromSnapshot(values: readonly number[]): Quote | undefined {
  if (values.length !== QUOTE_FIELDS.length || !values.every(Number.isFinite)) return undefined;
  return Object.fromEntries(QUOTE_FIELDS.map((field, i) => [field, values[i]])) as unknown as Quote;
}

/**
 * The fields of `next` that differ from `prev`: a mask, and for each field present its change (`next - prev`)
 * in field order. Changes are small numbers (a tick or two, a trade's size, the ms since the last change), which
 * keeps deltas short on the wire; a client can apply them only to exactly `prev`, which the seq guarantees.
 */
export function diffQuote(prev: Quote, next: Quote): { mask: number; values: number[] } {
  let mask = 0;
  const values: number[] = [];
  for (let i = 0; i < QUOTE_FIELDS.length; i++) {
    const field = QUOTE_FIELDS[i] as keyof Quote;
    if (prev[field] !== next[field]) {
      mask |= 1 << i;
      values.push(next[field] - prev[field]);
    }
  }
  return { mask, values };
}

/**
 * Adds a delta's changes to `base` and returns the new quote, or undefined when the mask and the values do not
 * fit each other.
 */
export function patchQuote(base: Quote, mask: number, values: readonly number[]): Quote | undefined {
  if (!Number.isInteger(mask) || mask <= 0 || mask > FULL_MASK) return undefined;
  const next = { ...base } as Record<keyof Quote, number>;
  let v = 0;
  for (let i = 0; i < QUOTE_FIELDS.length; i++) {
    if ((mask & (1 << i)) === 0) continue;
    const change = values[v++];
    if (typeof change !== 'number' || !Number.isFinite(change)) return undefined;
    next[QUOTE_FIELDS[i] as keyof Quote] += change;
  }
  if (v !== values.length) return undefined;
  return next as unknown as Quote;
}

/** Change since the previous close, in ticks. */
export function quoteChange(quote: Quote): Ticks {
  return (quote.last - quote.prevClose) as Ticks;
}

/** Change since the previous close, in percent of it. */
export function quoteChangePercent(quote: Quote): number {
  return quote.prevClose === 0 ? 0 : ((quote.last - quote.prevClose) / quote.prevClose) * 100;
}
