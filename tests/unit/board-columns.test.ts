import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COLUMNS, isDrawn, nextSort, sortSymbols, type SortInput } from '../../lib/board-columns';
import type { Instrument } from '../../lib/instrument';
import type { Lots, Ticks, UnixMillis } from '../../lib/nominal';
import type { Quote } from '../../lib/quote';

const instrument: Instrument = {
  symbol: 'X',
  name: 'X',
  assetClass: 'equity',
  tickSize: 0.01,
  precision: 2,
  lotSize: 1,
  sizePrecision: 0,
  currency: 'USD',
};

const quote = (last: number, prevClose = 100, volume = 0): Quote => ({
  last: last as Ticks,
  bid: (last - 1) as Ticks,
  ask: (last + 1) as Ticks,
  open: prevClose as Ticks,
  high: Math.max(last, prevClose) as Ticks,
  low: Math.min(last, prevClose) as Ticks,
  prevClose: prevClose as Ticks,
  volume: volume as Lots,
  time: 0 as UnixMillis,
});

describe('board sorting', () => {
  it('sorts by change % with the biggest mover first, and symbols without quotes last', () => {
    const quotes: Record<string, Quote> = { A: quote(101), B: quote(95), C: quote(110) };
    const lookup = (s: string): SortInput => ({ quote: quotes[s], instrument });
    const sort = nextSort(undefined, 'changePercent');
    expect(sort).toEqual({ key: 'changePercent', direction: 'descending' });
    expect(sortSymbols(['A', 'N', 'B', 'C'], sort, lookup)).toEqual(['C', 'A', 'B', 'N']);
    const flipped = nextSort(sort, 'changePercent');
    expect(sortSymbols(['A', 'N', 'B', 'C'], flipped, lookup)).toEqual(['B', 'A', 'C', 'N']);
    expect(nextSort(flipped, 'changePercent')).toBeUndefined();
    expect(sortSymbols(['A', 'N', 'B'], undefined, lookup)).toEqual(['A', 'N', 'B']);
  });

  it('sorts symbols alphabetically, ascending first', () => {
    const lookup = (): SortInput => ({ quote: undefined, instrument: undefined });
    expect(sortSymbols(['MSFT', 'AAPL', 'NVDA'], nextSort(undefined, 'symbol'), lookup)).toEqual([
      'AAPL',
      'MSFT',
      'NVDA',
    ]);
  });

  it('is a stable permutation ordered by the value', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 3 }), { maxLength: 20 }),
        fc.array(fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }), {
          minLength: 20,
          maxLength: 20,
        }),
        fc.boolean(),
        (symbols, volumes, descending) => {
          const byIndex = new Map(symbols.map((s, i) => [s, volumes[i]]));
          const lookup = (s: string): SortInput => {
            const v = byIndex.get(s);
            return { quote: v === undefined ? undefined : quote(100, 100, v), instrument };
          };
          const sorted = sortSymbols(
            symbols,
            { key: 'volume', direction: descending ? 'descending' : 'ascending' },
            lookup,
          );
          expect([...sorted].sort()).toEqual([...symbols].sort());
          for (let i = 1; i < sorted.length; i++) {
            const a = byIndex.get(sorted[i - 1] as string);
            const b = byIndex.get(sorted[i] as string);
            if (b === undefined) continue;
            expect(a).not.toBeUndefined();
            if (a === b)
              expect(symbols.indexOf(sorted[i - 1] as string)).toBeLessThan(
                symbols.indexOf(sorted[i] as string),
              );
            else expect(descending ? (a as number) > b : (a as number) < b).toBe(true);
          }
        },
      ),
    );
  });
});

describe('board columns', () => {
  it('draws the day range and the sparkline, and writes every other column as a figure', () => {
    expect(COLUMNS.filter(isDrawn)).toEqual(['range', 'trend']);
  });
});
