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

/** Field order on the wire: bit `i` of a delta's mask stands for `QUOTE_FIELDS[i]`. */
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

export const FULL_MASK = (1 << QUOTE_FIELDS.length) - 1;

/**
 * The fields of `next` that differ from `prev`, as a mask and the values in field order.
 * With no `prev` every field is included.
 */
export function diffQuote(prev: Quote | undefined, next: Quote): { mask: number; values: number[] } {
  let mask = 0;
  const values: number[] = [];
  for (let i = 0; i < QUOTE_FIELDS.length; i++) {
    const field = QUOTE_FIELDS[i] as keyof Quote;
    if (prev === undefined || prev[field] !== next[field]) {
      mask |= 1 << i;
      values.push(next[field]);
    }
  }
  return { mask, values };
}

/**
 * Applies masked values to `base` and returns the new quote, or undefined when the mask and the values do not
 * fit each other (or a full quote is needed and `base` is missing).
 */
export function patchQuote(
  base: Quote | undefined,
  mask: number,
  values: readonly number[],
): Quote | undefined {
  if (!Number.isInteger(mask) || mask <= 0 || mask > FULL_MASK) return undefined;
  if (base === undefined && mask !== FULL_MASK) return undefined;
  const next = { ...base } as Record<keyof Quote, number>;
  let v = 0;
  for (let i = 0; i < QUOTE_FIELDS.length; i++) {
    if ((mask & (1 << i)) === 0) continue;
    const value = values[v++];
    if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
    next[QUOTE_FIELDS[i] as keyof Quote] = value;
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
