import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BarSeries } from '../../lib/bar-series';
import { aggregate, toBar, type Bar, type Trade } from '../../lib/candles';
import { sessionAt, weekOf } from '../../lib/calendar/sessions';
import { INTERVAL_SECONDS, type Interval } from '../../lib/intervals';
import type { Lots, Ticks, UnixMillis, UnixSeconds } from '../../lib/nominal';
import { denseTrades, trade } from '../support/arbitraries';

/** The intervals of one length each (1d by UTC days, the crypto rule); 1w and 1M have tests of their own. */
const FIXED: Interval[] = ['1s', '1m', '5m', '15m', '1h', '1d'];
const interval = fc.constantFrom(...FIXED);

/** The trades of each bar, found without the library: by integer division of the time, in arrival order. */
function tradesByBar(trades: readonly Trade[], of: Interval, bars: readonly Bar[]): Map<Bar, Trade[]> {
  const sizeMs = INTERVAL_SECONDS[of] * 1000;
  const byTime = new Map(bars.map((bar) => [bar.time * 1000, bar]));
  const out = new Map<Bar, Trade[]>(bars.map((bar) => [bar, []]));
  for (const t of trades) {
    const bar = byTime.get(Math.floor(t.time / sizeMs) * sizeMs);
    if (!bar) throw new Error(`no bar for the trade at ${t.time}`);
    out.get(bar)?.push(t);
  }
  return out;
}

/** Unique trade times, so that "first" and "last" by time are unambiguous. */
const distinctTrades = fc.uniqueArray(trade(), { selector: (t) => t.time, maxLength: 60 });

/** A list and a permutation of it. */
function withShuffle<T>(list: fc.Arbitrary<T[]>): fc.Arbitrary<[T[], T[]]> {
  return list.chain((items) =>
    fc.tuple(
      fc.constant(items),
      fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length }),
    ),
  );
}

/** A bar told as the trades it stands for: open first, then high and low, close last, all within its second. */
function asTrades(bar: Bar): Trade[] {
  const at = (offset: number) => (bar.time * 1000 + offset) as UnixMillis;
  return [
    { time: at(0), price: bar.open, size: 0 as Lots },
    { time: at(1), price: bar.high, size: 0 as Lots },
    { time: at(2), price: bar.low, size: 0 as Lots },
    { time: at(999), price: bar.close, size: bar.volume },
  ];
}

describe('candle aggregation', () => {
  it('stamps every bar with the UTC start of the bucket its trades fall in, one bar per bucket, ascending', () => {
    fc.assert(
      fc.property(denseTrades(), interval, (trades, of) => {
        const bars = aggregate(trades, of);
        const size = INTERVAL_SECONDS[of];
        const buckets = new Set(trades.map((t) => Math.floor(t.time / 1000 / size) * size));
        expect(bars.map((bar) => bar.time)).toEqual([...buckets].sort((a, b) => a - b));
        for (const bar of bars) {
          expect(bar.time % size).toBe(0);
          if (of === '1d') expect(new Date(bar.time * 1000).getUTCHours()).toBe(0);
        }
        // Every trade lies in [time, time + size) of its bar.
        for (const [bar, inBar] of tradesByBar(trades, of, bars)) {
          expect(inBar.length).toBeGreaterThan(0);
          for (const t of inBar) {
            expect(t.time).toBeGreaterThanOrEqual(bar.time * 1000);
            expect(t.time).toBeLessThan((bar.time + size) * 1000);
          }
        }
      }),
    );
  });

  it('opens with the earliest trade and closes with the latest by time, ties going by arrival', () => {
    fc.assert(
      fc.property(denseTrades(), interval, (trades, of) => {
        const bars = aggregate(trades, of);
        for (const [bar, inBar] of tradesByBar(trades, of, bars)) {
          const first = inBar.reduce((a, b) => (b.time < a.time ? b : a));
          const last = inBar.reduce((a, b) => (b.time >= a.time ? b : a));
          expect(bar.open).toBe(first.price);
          expect(bar.close).toBe(last.price);
        }
      }),
    );
  });

  it('bounds every trade by high and low, attains both, and sums the volume', () => {
    fc.assert(
      fc.property(denseTrades(), interval, (trades, of) => {
        const bars = aggregate(trades, of);
        for (const [bar, inBar] of tradesByBar(trades, of, bars)) {
          const prices = inBar.map((t) => t.price);
          expect(bar.high).toBe(Math.max(...prices));
          expect(bar.low).toBe(Math.min(...prices));
          expect(bar.low).toBeLessThanOrEqual(Math.min(bar.open, bar.close));
          expect(bar.high).toBeGreaterThanOrEqual(Math.max(bar.open, bar.close));
          expect(bar.volume).toBe(inBar.reduce((sum, t) => sum + t.size, 0));
        }
      }),
    );
  });

  it('puts a trade at exactly a bucket boundary into the new bucket, and one a millisecond earlier into the old', () => {
    fc.assert(
      fc.property(interval, fc.integer({ min: 1, max: 500_000 }), trade(), (of, k, t) => {
        const boundary = k * INTERVAL_SECONDS[of] * 1000;
        const before = { ...t, time: (boundary - 1) as UnixMillis };
        const at = { ...t, time: boundary as UnixMillis, price: (t.price + 1) as Ticks };
        const bars = aggregate([at, before], of);
        expect(bars.map((bar) => bar.time * 1000)).toEqual([
          boundary - INTERVAL_SECONDS[of] * 1000,
          boundary,
        ]);
        expect(bars[1]?.open).toBe(at.price);
        expect(bars[0]?.close).toBe(before.price);
      }),
    );
  });

  it('gives the same bars whatever order trades with distinct times arrive in', () => {
    fc.assert(
      fc.property(withShuffle(distinctTrades), interval, ([trades, shuffled], of) => {
        expect(aggregate(shuffled, of)).toEqual(aggregate(trades, of));
      }),
    );
  });

  it('lets arrival order decide only between trades of the same millisecond', () => {
    fc.assert(
      fc.property(withShuffle(denseTrades()), interval, ([trades, shuffled], of) => {
        const strip = ({ time, high, low, volume }: Bar) => ({ time, high, low, volume });
        expect(aggregate(shuffled, of).map(strip)).toEqual(aggregate(trades, of).map(strip));
      }),
    );
  });

  it('rolls finer bars up into the coarser bars the trades make directly (1s to 1m, ..., 1d to 1w and 1M)', () => {
    const pairs = [
      ...FIXED.slice(1).map((coarse, i) => [FIXED[i] as Interval, coarse] as const),
      ['1d', '1w'] as const,
      ['1d', '1M'] as const,
    ];
    fc.assert(
      fc.property(denseTrades(), fc.constantFrom(...pairs), (trades, [fine, coarse]) => {
        const rolledUp = aggregate(aggregate(trades, fine).flatMap(asTrades), coarse);
        expect(rolledUp).toEqual(aggregate(trades, coarse));
      }),
    );
  });
});

describe('trading-day aggregation', () => {
  it("builds an equity's 1d, 1w and 1M bars from its regular sessions only, as the roll-up of its 15m bars", () => {
    fc.assert(
      fc.property(denseTrades(), fc.constantFrom<Interval>('1d', '1w', '1M'), (trades, coarse) => {
        const regular = trades.filter((t) => sessionAt('equity', t.time).phase === 'regular');
        const direct = aggregate(trades, coarse, 'equity');
        expect(direct).toEqual(aggregate(regular, coarse, 'equity'));
        expect(aggregate(aggregate(regular, '15m', 'equity').flatMap(asTrades), coarse, 'equity')).toEqual(
          direct,
        );
        for (const bar of direct) {
          const weekday = new Date(bar.time * 1000).getUTCDay();
          if (coarse === '1d') expect([1, 2, 3, 4, 5]).toContain(weekday);
          if (coarse === '1w') expect(weekday).toBe(1);
          if (coarse === '1M') expect(new Date(bar.time * 1000).getUTCDate()).toBe(1);
        }
      }),
    );
  });

  it('stamps a crypto week with the Monday 00:00 UTC of its days', () => {
    fc.assert(
      fc.property(denseTrades(), (trades) => {
        const weeks = new Set(
          trades.map((t) => weekOf((Math.floor(t.time / 86_400_000) * 86_400) as UnixSeconds)),
        );
        expect(aggregate(trades, '1w').map((bar) => bar.time)).toEqual([...weeks].sort((a, b) => a - b));
      }),
    );
  });
});

describe('BarSeries', () => {
  const seriesOf = (trades: readonly Trade[], of: Interval, capacity: number): Bar[] => {
    const series = new BarSeries(of, capacity);
    for (const t of trades) series.add(t);
    return series.slice(Number.MAX_SAFE_INTEGER).map(toBar);
  };
  const byTime = (trades: readonly Trade[]) => [...trades].sort((a, b) => a.time - b.time);

  it('agrees with aggregate when fed trades in time order', () => {
    fc.assert(
      fc.property(denseTrades(), interval, (trades, of) => {
        expect(seriesOf(byTime(trades), of, 10_000)).toEqual(aggregate(trades, of));
      }),
    );
  });

  it('keeps the newest bars of the aggregate, at least `capacity` and at most a quarter more', () => {
    fc.assert(
      fc.property(
        denseTrades({ maxLength: 120 }),
        interval,
        fc.integer({ min: 1, max: 12 }),
        (trades, of, cap) => {
          const all = aggregate(trades, of);
          const kept = seriesOf(byTime(trades), of, cap);
          expect(kept).toEqual(all.slice(all.length - kept.length));
          expect(kept.length).toBeGreaterThanOrEqual(Math.min(cap, all.length));
          expect(kept.length).toBeLessThanOrEqual(Math.floor(cap * 1.25));
        },
      ),
    );
  });

  it('agrees with aggregate when fed trades in any order, as long as every bar fits', () => {
    fc.assert(
      fc.property(withShuffle(denseTrades()), interval, ([trades, shuffled], of) => {
        const buckets = aggregate(trades, of).length;
        expect(seriesOf(shuffled, of, Math.max(1, buckets))).toEqual(aggregate(shuffled, of));
      }),
    );
  });

  it('returns the bar each trade touched, holding that trade', () => {
    fc.assert(
      fc.property(withShuffle(denseTrades()), interval, ([, shuffled], of) => {
        const series = new BarSeries(of, 10_000);
        for (const t of shuffled) {
          const bar = series.add(t);
          expect(bar?.time).toBe(Math.floor(t.time / 1000 / INTERVAL_SECONDS[of]) * INTERVAL_SECONDS[of]);
          expect(bar?.high).toBeGreaterThanOrEqual(t.price);
          expect(bar?.low).toBeLessThanOrEqual(t.price);
        }
      }),
    );
  });
});
