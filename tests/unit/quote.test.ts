import { describe, expect, it } from 'vitest';
import type { Lots, Ticks, UnixMillis } from '../../lib/nominal';
import {
  diffQuote,
  FULL_MASK,
  patchQuote,
  quoteFromSnapshot,
  snapshotValues,
  QUOTE_FIELDS,
  quoteChange,
  quoteChangePercent,
  type Quote,
} from '../../lib/quote';

const quote: Quote = {
  last: 1005 as Ticks,
  bid: 1004 as Ticks,
  ask: 1006 as Ticks,
  open: 990 as Ticks,
  high: 1010 as Ticks,
  low: 985 as Ticks,
  prevClose: 1000 as Ticks,
  volume: 12_345 as Lots,
  time: 1_736_000_000_000 as UnixMillis,
};

describe('quote deltas', () => {
  it('snapshot every field, absolute, in wire order, and read back to the same quote', () => {
    const values = snapshotValues(quote);
    expect(values).toEqual(QUOTE_FIELDS.map((f) => quote[f]));
    expect(quoteFromSnapshot(values)).toEqual(quote);
    expect(quoteFromSnapshot(values.slice(1))).toBeUndefined();
    expect(quoteFromSnapshot([...values.slice(1), Number.NaN])).toBeUndefined();
  });

  it('carry only the changed fields, flagged by their bit, as changes from the previous quote', () => {
    const next = { ...quote, bid: 1003 as Ticks, time: (quote.time + 5) as UnixMillis };
    expect(diffQuote(quote, next)).toEqual({ mask: (1 << 1) | (1 << 8), values: [1003 - quote.bid, 5] });
    expect(diffQuote(quote, { ...quote })).toEqual({ mask: 0, values: [] });
  });

  it('patch back to the quote they were made from', () => {
    const next = { ...quote, last: 1007 as Ticks, high: 1012 as Ticks, volume: 12_400 as Lots };
    const { mask, values } = diffQuote(quote, next);
    expect(patchQuote(quote, mask, values)).toEqual(next);
    expect(quote.last).toBe(1005);
  });

  it.each([
    ['an empty mask', 0, []],
    ['a mask with bits past the last field', FULL_MASK + 1, [1]],
    ['a fractional mask', 1.5, [1]],
    ['fewer values than bits', 0b11, [1]],
    ['more values than bits', 0b1, [1, 2]],
    ['a value that is not a number', 0b1, ['1']],
    ['a value that is not finite', 0b1, [Number.NaN]],
  ])('refuse %s', (_, mask, values) => {
    expect(patchQuote(quote, mask as number, values as number[])).toBeUndefined();
  });

  it('measure change against the previous close', () => {
    expect(quoteChange(quote)).toBe(5);
    expect(quoteChangePercent(quote)).toBeCloseTo(0.5, 10);
    expect(quoteChangePercent({ ...quote, prevClose: 0 as Ticks })).toBe(0);
  });
});
