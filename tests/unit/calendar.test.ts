import { describe, expect, it } from 'vitest';
import {
  dayBucket,
  monthOf,
  nextPhaseChange,
  oncePerMinute,
  sessionAt,
  sessionSpans,
  weekOf,
  type SessionPhase,
} from '../../lib/calendar/sessions';
import { wallTime, zonedInstant } from '../../lib/calendar/zone-time';
import type { AssetClass } from '../../lib/instrument';
import type { UnixMillis, UnixSeconds } from '../../lib/nominal';

/** A UTC instant, written out so the tests do not lean on the code's own zone arithmetic. */
const utc = (y: number, m: number, d: number, h: number, min = 0) =>
  Date.UTC(y, m - 1, d, h, min) as UnixMillis;
const day = (y: number, m: number, d: number) => (Date.UTC(y, m - 1, d) / 1000) as UnixSeconds;
const phase = (assetClass: AssetClass, time: UnixMillis): SessionPhase => sessionAt(assetClass, time).phase;
/** The phases at each minute from the given one, one per entry. */
const phases = (assetClass: AssetClass, ...times: UnixMillis[]) => times.map((t) => phase(assetClass, t));

describe('US equity sessions (New York time)', () => {
  it('open pre-market at 04:00, regular at 09:30, post-market at 16:00, and close at 20:00 on a winter weekday', () => {
    // Friday 7 March 2025, EST (UTC-5).
    expect(
      phases(
        'equity',
        utc(2025, 3, 7, 8, 59),
        utc(2025, 3, 7, 9, 0),
        utc(2025, 3, 7, 14, 29),
        utc(2025, 3, 7, 14, 30),
        utc(2025, 3, 7, 20, 59),
        utc(2025, 3, 7, 21, 0),
        utc(2025, 3, 8, 0, 59),
        utc(2025, 3, 8, 1, 0),
      ),
    ).toEqual(['closed', 'pre', 'pre', 'regular', 'regular', 'post', 'post', 'closed']);
  });

  it('move every session an hour earlier in UTC after the March change to daylight saving time', () => {
    // DST began Sunday 9 March 2025; Monday 10 March is EDT (UTC-4).
    expect(
      phases(
        'equity',
        utc(2025, 3, 10, 7, 59),
        utc(2025, 3, 10, 8, 0),
        utc(2025, 3, 10, 13, 29),
        utc(2025, 3, 10, 13, 30),
        utc(2025, 3, 10, 19, 59),
        utc(2025, 3, 10, 20, 0),
        utc(2025, 3, 10, 23, 59),
        utc(2025, 3, 11, 0, 0),
      ),
    ).toEqual(['closed', 'pre', 'pre', 'regular', 'regular', 'post', 'post', 'closed']);
  });

  it('move them back after the November change, and stay closed on the change day itself (a Sunday)', () => {
    // DST ended Sunday 2 November 2025.
    expect(phase('equity', utc(2025, 11, 2, 15, 0))).toBe('closed');
    expect(
      phases('equity', utc(2025, 10, 31, 13, 30), utc(2025, 11, 3, 13, 30), utc(2025, 11, 3, 14, 30)),
    ).toEqual(['regular', 'pre', 'regular']);
  });

  it('stay closed all day on an NYSE holiday (Thanksgiving 2025) and on a weekend', () => {
    // Every half hour of the New York day (EST, so from 05:00 UTC).
    for (let hour = 0; hour < 24; hour++) {
      expect(phase('equity', utc(2025, 11, 27, 5 + hour, 30)), `Thanksgiving ${hour}:30`).toBe('closed');
      expect(phase('equity', utc(2025, 11, 29, 5 + hour, 30)), `Saturday ${hour}:30`).toBe('closed');
      expect(phase('equity', utc(2025, 11, 30, 5 + hour, 30)), `Sunday ${hour}:30`).toBe('closed');
    }
    expect(phase('equity', utc(2025, 11, 27, 0, 30))).toBe('post'); // Wednesday 19:30
    expect(phase('equity', utc(2026, 7, 3, 15, 0))).toBe('closed'); // Independence Day observed
    expect(phase('equity', utc(2027, 12, 24, 15, 0))).toBe('closed'); // Christmas observed
  });

  it('close the regular session at 13:00 and post-market at 17:00 on an early close', () => {
    // Friday 28 November 2025 (EST): 13:00 = 18:00 UTC, 17:00 = 22:00 UTC.
    expect(
      phases(
        'equity',
        utc(2025, 11, 28, 14, 30),
        utc(2025, 11, 28, 17, 59),
        utc(2025, 11, 28, 18, 0),
        utc(2025, 11, 28, 21, 59),
        utc(2025, 11, 28, 22, 0),
      ),
    ).toEqual(['regular', 'regular', 'post', 'post', 'closed']);
    // Thursday 3 July 2025 (EDT): 13:00 = 17:00 UTC.
    expect(phases('equity', utc(2025, 7, 3, 16, 59), utc(2025, 7, 3, 17, 0), utc(2025, 7, 3, 21, 0))).toEqual(
      ['regular', 'post', 'closed'],
    );
  });

  it('date a pre-market or post-market moment to its New York day, and put only regular trades in the 1d bar', () => {
    const friday = day(2025, 3, 7);
    expect(sessionAt('equity', utc(2025, 3, 7, 9, 0)).day).toBe(friday);
    // 19:30 New York is past midnight UTC, still Friday's session.
    expect(sessionAt('equity', utc(2025, 3, 8, 0, 30))).toEqual({ phase: 'post', day: friday });
    expect(dayBucket('equity', utc(2025, 3, 8, 0, 30))).toBeUndefined();
    expect(dayBucket('equity', utc(2025, 3, 7, 9, 0))).toBeUndefined();
    expect(dayBucket('equity', utc(2025, 3, 7, 15, 0))).toBe(friday);
    expect(sessionAt('equity', utc(2025, 3, 8, 12, 0))).toEqual({ phase: 'closed', day: undefined });
  });

  it('list the spans of a trading day, and none for a holiday or a weekend', () => {
    expect(sessionSpans('equity', day(2025, 11, 28))).toEqual([
      { phase: 'pre', start: utc(2025, 11, 28, 9, 0), end: utc(2025, 11, 28, 14, 30) },
      { phase: 'regular', start: utc(2025, 11, 28, 14, 30), end: utc(2025, 11, 28, 18, 0) },
      { phase: 'post', start: utc(2025, 11, 28, 18, 0), end: utc(2025, 11, 28, 22, 0) },
    ]);
    expect(sessionSpans('equity', day(2025, 11, 27))).toEqual([]);
    expect(sessionSpans('equity', day(2025, 11, 29))).toEqual([]);
  });

  it('say when the phase next changes: after Friday’s post-market, at Monday’s pre-market open', () => {
    expect(nextPhaseChange('equity', utc(2025, 3, 8, 2, 0))).toBe(utc(2025, 3, 10, 8, 0));
    expect(nextPhaseChange('equity', utc(2025, 3, 10, 8, 0))).toBe(utc(2025, 3, 10, 13, 30));
    expect(nextPhaseChange('crypto', utc(2025, 3, 10, 8, 0))).toBeUndefined();
  });
});

describe('FX sessions', () => {
  it('open Sunday 17:00 New York time, on the March change day as on any other Sunday', () => {
    // Sunday 9 March 2025 is already EDT by 17:00: 21:00 UTC.
    expect(phases('fx', utc(2025, 3, 9, 20, 59), utc(2025, 3, 9, 21, 0))).toEqual(['closed', 'regular']);
    // Sunday 2 November 2025 is EST by 17:00: 22:00 UTC.
    expect(phases('fx', utc(2025, 11, 2, 21, 59), utc(2025, 11, 2, 22, 0))).toEqual(['closed', 'regular']);
  });

  it('close Friday 17:00 New York time and stay closed all Saturday', () => {
    expect(phases('fx', utc(2025, 3, 7, 21, 59), utc(2025, 3, 7, 22, 0))).toEqual(['regular', 'closed']);
    for (let hour = 0; hour < 24; hour++) expect(phase('fx', utc(2025, 3, 8, hour, 0))).toBe('closed');
  });

  it('trade on an NYSE holiday and roll the trading day at 17:00 New York time', () => {
    expect(phase('fx', utc(2025, 11, 27, 15, 0))).toBe('regular');
    expect(sessionAt('fx', utc(2025, 3, 9, 21, 0)).day).toBe(day(2025, 3, 10));
    expect(sessionAt('fx', utc(2025, 3, 10, 20, 59)).day).toBe(day(2025, 3, 10));
    expect(sessionAt('fx', utc(2025, 3, 10, 21, 0)).day).toBe(day(2025, 3, 11));
    expect(sessionSpans('fx', day(2025, 3, 10))).toEqual([
      { phase: 'regular', start: utc(2025, 3, 9, 21, 0), end: utc(2025, 3, 10, 21, 0) },
    ]);
  });
});

describe('crypto sessions', () => {
  it('are open at every minute, weekends and holidays included, with UTC days', () => {
    for (const time of [
      utc(2025, 3, 8, 0, 0),
      utc(2025, 3, 9, 23, 59),
      utc(2025, 11, 27, 12, 0),
      utc(2025, 3, 9, 7, 0),
    ]) {
      expect(sessionAt('crypto', time).phase).toBe('regular');
    }
    expect(sessionAt('crypto', utc(2025, 3, 8, 23, 59)).day).toBe(day(2025, 3, 8));
    expect(dayBucket('crypto', utc(2025, 3, 9, 0, 0))).toBe(day(2025, 3, 9));
  });
});

describe('weeks and months of trading days', () => {
  it('stamp a week with its Monday and a month with its first day', () => {
    expect(weekOf(day(2025, 3, 7))).toBe(day(2025, 3, 3));
    expect(weekOf(day(2025, 3, 10))).toBe(day(2025, 3, 10));
    expect(weekOf(day(2025, 3, 9))).toBe(day(2025, 3, 3));
    expect(monthOf(day(2025, 3, 31))).toBe(day(2025, 3, 1));
  });
});

describe('zone time', () => {
  it('reads New York wall time across both changes', () => {
    expect(wallTime('America/New_York', utc(2025, 3, 9, 6, 59))).toMatchObject({
      day: 9,
      minutes: 1 * 60 + 59,
    });
    expect(wallTime('America/New_York', utc(2025, 3, 9, 7, 0))).toMatchObject({ day: 9, minutes: 3 * 60 });
    expect(wallTime('America/New_York', utc(2025, 11, 2, 6, 0))).toMatchObject({ day: 2, minutes: 60 });
  });

  it('maps a skipped wall time an hour on and a repeated one to its first instant', () => {
    expect(zonedInstant('America/New_York', 2025, 3, 9, 2 * 60 + 30)).toBe(utc(2025, 3, 9, 7, 30));
    expect(zonedInstant('America/New_York', 2025, 11, 2, 60 + 30)).toBe(utc(2025, 11, 2, 5, 30));
    expect(zonedInstant('America/New_York', 2025, 11, 3, 4 * 60)).toBe(utc(2025, 11, 3, 9, 0));
  });
});

describe('oncePerMinute', () => {
  it('asks once for the moments of a minute, and again for another minute, back or forth', () => {
    const asked: number[] = [];
    const minuteOf = oncePerMinute((time) => {
      asked.push(time);
      return Math.floor(time / 60_000);
    });
    const at = (ms: number) => minuteOf(ms as UnixMillis);
    expect([at(60_000), at(60_001), at(119_999), at(120_000), at(59_999), at(0)]).toEqual([1, 1, 1, 2, 0, 0]);
    expect(asked).toEqual([60_000, 120_000, 59_999]);
  });
});
