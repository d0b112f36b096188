import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Bar } from '../../lib/candles';
import { firstChanged, heikinAshi, indicatorValues, type Indicator } from '../../lib/indicators';
import type { Lots, Ticks, UnixSeconds } from '../../lib/nominal';

const bar = (time: number, open: number, high: number, low: number, close: number, volume: number): Bar => ({
  time: time as UnixSeconds,
  open: open as Ticks,
  high: high as Ticks,
  low: low as Ticks,
  close: close as Ticks,
  volume: volume as Lots,
});

/** Bars an hour apart (so days change now and then), prices in a small range. */
const bars = fc
  .array(
    fc.tuple(fc.integer({ min: 90, max: 110 }), fc.integer({ min: 90, max: 110 }), fc.nat({ max: 50 })),
    {
      minLength: 1,
      maxLength: 80,
    },
  )
  .map((rows) =>
    rows.map(([a, b, volume], i) => bar(i * 3600, a, Math.max(a, b) + 1, Math.min(a, b) - 1, b, volume)),
  );

const close = (a: number, b: number) => (Number.isNaN(a) ? Number.isNaN(b) : Math.abs(a - b) < 1e-9);

describe('indicators', () => {
  it('computes a simple moving average, undefined before it has its period of bars', () => {
    const series = [1, 2, 3, 4].map((c, i) => bar(i * 60, c, c, c, c, 1));
    expect(indicatorValues('sma', series, 3)).toEqual([NaN, NaN, 2, 3]);
  });

  it('weights the VWAP by volume and restarts it each UTC day', () => {
    const series = [bar(0, 3, 3, 3, 3, 1), bar(60, 6, 6, 6, 6, 2), bar(86_400, 9, 9, 9, 9, 1)];
    expect(indicatorValues('vwap', series, 0)).toEqual([3, 5, 9]);
  });

  it('gives the same values incrementally as from scratch, whatever changed at the end', () => {
    fc.assert(
      fc.property(
        bars,
        fc.constantFrom<Indicator>('sma', 'ema', 'vwap', 'volume-ma'),
        fc.integer({ min: 1, max: 10 }),
        fc.nat(),
        fc.array(fc.tuple(fc.integer({ min: 90, max: 110 }), fc.nat({ max: 50 })), { maxLength: 5 }),
        (before, indicator, period, cut, tail) => {
          // The newest bars change (a live bar updates) and new ones are appended.
          const from = cut % before.length;
          const after = [
            ...before.slice(0, from),
            ...before.slice(from).map((b) => ({ ...b, close: (b.close + 1) as Ticks })),
            ...tail.map(([c, v], i) => bar((before.length + i) * 3600, c, c + 1, c - 1, c, v)),
          ];
          const previous = indicatorValues(indicator, before, period);
          const incremental = indicatorValues(
            indicator,
            after,
            period,
            previous,
            firstChanged(before, after),
          );
          const scratch = indicatorValues(indicator, after, period);
          expect(incremental.length).toBe(scratch.length);
          incremental.forEach((v, i) => expect(close(v, scratch[i] as number)).toBe(true));

          const ha = heikinAshi(after, heikinAshi(before), firstChanged(before, after));
          expect(ha).toEqual(heikinAshi(after));
        },
      ),
    );
  });

  it('finds the first changed bar, and 0 when history was put in front', () => {
    const a = [bar(0, 1, 1, 1, 1, 1), bar(60, 1, 1, 1, 1, 1)];
    const updated = [a[0] as Bar, bar(60, 1, 2, 1, 2, 2)];
    expect(firstChanged(a, updated)).toBe(1);
    expect(firstChanged(a, [...a, bar(120, 1, 1, 1, 1, 1)])).toBe(2);
    expect(firstChanged(a, [bar(-60, 1, 1, 1, 1, 1), ...a])).toBe(0);
  });
});
