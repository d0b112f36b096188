import { describe, expect, it } from 'vitest';
import type { Bar } from '../../lib/candles';
import { intradayCloses, intradayDayAt, intradayStart, thinned } from '../../lib/intraday';
import type { Lots, Ticks, UnixMillis, UnixSeconds } from '../../lib/nominal';

const day = (iso: string) => (Date.parse(iso) / 1000) as UnixSeconds;
const at = (iso: string) => Date.parse(iso) as UnixMillis;
const TUESDAY = day('2026-11-24T00:00:00Z');
const WEDNESDAY = day('2026-11-25T00:00:00Z');

describe('intradayDayAt', () => {
  it("begins an equity's day at the regular open: the pre-market still stands on the day before", () => {
    expect(intradayDayAt('equity', at('2026-11-24T14:29:59Z'))).toBeUndefined();
    expect(intradayDayAt('equity', at('2026-11-24T14:30:00Z'))).toBe(TUESDAY);
    expect(intradayDayAt('equity', at('2026-11-24T20:59:59Z'))).toBe(TUESDAY);
  });

  it('has no day for an equity after the close, at night, on a weekend or a holiday', () => {
    expect(intradayDayAt('equity', at('2026-11-24T21:00:00Z'))).toBeUndefined();
    expect(intradayDayAt('equity', at('2026-11-25T03:00:00Z'))).toBeUndefined();
    expect(intradayDayAt('equity', at('2026-11-28T16:00:00Z'))).toBeUndefined();
    // Thanksgiving
    expect(intradayDayAt('equity', at('2026-11-26T16:00:00Z'))).toBeUndefined();
  });

  it("turns FX's day at 17:00 New York and crypto's at 00:00 UTC", () => {
    expect(intradayDayAt('fx', at('2026-11-24T21:59:59Z'))).toBe(TUESDAY);
    expect(intradayDayAt('fx', at('2026-11-24T22:00:00Z'))).toBe(WEDNESDAY);
    expect(intradayDayAt('crypto', at('2026-11-24T23:59:59Z'))).toBe(TUESDAY);
    expect(intradayDayAt('crypto', at('2026-11-25T00:00:00Z'))).toBe(WEDNESDAY);
  });

  it('has no day for FX over its weekend', () => {
    expect(intradayDayAt('fx', at('2026-11-28T12:00:00Z'))).toBeUndefined();
  });
});

describe('intradayStart', () => {
  it("starts an equity's day at the regular open, after the pre-market", () => {
    expect(intradayStart('equity', TUESDAY)).toBe(day('2026-11-24T14:30:00Z'));
  });

  it("starts FX's day at the 17:00 New York roll the evening before, and crypto's at 00:00 UTC", () => {
    expect(intradayStart('fx', TUESDAY)).toBe(day('2026-11-23T22:00:00Z'));
    expect(intradayStart('crypto', TUESDAY)).toBe(TUESDAY);
  });

  it('follows daylight saving time in New York', () => {
    expect(intradayStart('equity', day('2026-07-14T00:00:00Z'))).toBe(day('2026-07-14T13:30:00Z'));
  });

  it('is the day itself for a day without a session (a Saturday for an equity)', () => {
    const saturday = day('2026-11-28T00:00:00Z');
    expect(intradayStart('equity', saturday)).toBe(saturday);
  });
});

describe('thinned', () => {
  it('keeps a short series whole', () => {
    expect(thinned([1, 2, 3], 64)).toEqual([1, 2, 3]);
  });

  it('keeps at most the maximum, evenly spaced, with the first and the newest', () => {
    const series = Array.from({ length: 288 }, (_, i) => i);
    const kept = thinned(series, 64);
    expect(kept).toHaveLength(64);
    expect(kept[0]).toBe(0);
    expect(kept.at(-1)).toBe(287);
    const gaps = kept.slice(1).map((v, i) => v - (kept[i] as number));
    expect(Math.max(...gaps) - Math.min(...gaps)).toBeLessThanOrEqual(1);
  });
});

describe('intradayCloses', () => {
  const bar = (time: UnixSeconds, close: number): Bar => ({
    time,
    open: close as Ticks,
    high: close as Ticks,
    low: close as Ticks,
    close: close as Ticks,
    volume: 1 as Lots,
  });

  it("takes the closes of the session's bars only", () => {
    const open = day('2026-11-24T14:30:00Z');
    const bars = [bar((open - 300) as UnixSeconds, 1), bar(open, 2), bar((open + 300) as UnixSeconds, 3)];
    expect(intradayCloses(bars, open)).toEqual([2, 3]);
  });
});
