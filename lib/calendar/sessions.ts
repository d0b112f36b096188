import type { AssetClass } from '../instrument';
import type { UnixMillis, UnixSeconds } from '../nominal';
import { NYSE_EARLY_CLOSES, NYSE_HOLIDAYS } from './nyse';
import { wallTime, zonedInstant } from './zone-time';

/** Where an instrument's market is at a moment: extended hours (`pre`, `post`), `regular`, or `closed`. */
export type SessionPhase = 'pre' | 'regular' | 'post' | 'closed';

export interface Session {
  phase: SessionPhase;
  /**
   * The trading day the moment belongs to, stamped 00:00 UTC of its date (the convention lightweight-charts uses
   * for business days); undefined while closed.
   */
  day: UnixSeconds | undefined;
}

/** One open phase of a trading day, in UTC ms: from `start` (inclusive) to `end` (exclusive). */
export interface SessionSpan {
  phase: Exclude<SessionPhase, 'closed'>;
  start: UnixMillis;
  end: UnixMillis;
}

export const NEW_YORK = 'America/New_York';
const DAY_S = 86_400;

const PRE_OPEN = 4 * 60;
const REGULAR_OPEN = 9 * 60 + 30;
const REGULAR_CLOSE = 16 * 60;
const POST_CLOSE = 20 * 60;
const EARLY_REGULAR_CLOSE = 13 * 60;
const EARLY_POST_CLOSE = 17 * 60;
/** FX trades from Sunday 17:00 to Friday 17:00 New York time; each day rolls over at 17:00. */
const FX_ROLL = 17 * 60;

const pad = (n: number) => String(n).padStart(2, '0');
const dateKey = (year: number, month: number, day: number) => `${year}-${pad(month)}-${pad(day)}`;
const daySeconds = (year: number, month: number, day: number) =>
  (Date.UTC(year, month - 1, day) / 1000) as UnixSeconds;

/** The `YYYY-MM-DD` of a day stamp. */
export function dayKeyOf(day: UnixSeconds): string {
  return new Date(day * 1000).toISOString().slice(0, 10);
}

/** NYSE's day by date number (days since 1970): closed, a full day or an early close. Looked up once per date. */
const nyseDays = new Map<number, 'closed' | 'full' | 'early'>();

function nyseDay(year: number, month: number, day: number): 'closed' | 'full' | 'early' {
  const date = Date.UTC(year, month - 1, day) / 86_400_000;
  let kind = nyseDays.get(date);
  if (kind === undefined) {
    const weekday = (date + 4) % 7;
    const key = dateKey(year, month, day);
    kind =
      weekday === 0 || weekday === 6 || key in NYSE_HOLIDAYS
        ? 'closed'
        : key in NYSE_EARLY_CLOSES
          ? 'early'
          : 'full';
    nyseDays.set(date, kind);
  }
  return kind;
}

/** Whether NYSE trades on this New York date: a weekday that is not one of its holidays. */
export function isNyseTradingDate(year: number, month: number, day: number): boolean {
  return nyseDay(year, month, day) !== 'closed';
}

/**
 * `lookup` asked at most once per minute of time: sessions change on whole minutes, so one answer serves every
 * moment of a minute. For a stream of nearly ordered times (trades), where the minute rarely changes.
 */
export function oncePerMinute<T>(lookup: (time: UnixMillis) => T): (time: UnixMillis) => T {
  let minute = Number.NaN;
  let answer: T;
  return (time) => {
    const m = Math.floor(time / 60_000);
    if (m !== minute) {
      minute = m;
      answer = lookup(time);
    }
    return answer;
  };
}

/** The session of an instrument of `assetClass` at `time`. */
export function sessionAt(assetClass: AssetClass, time: UnixMillis): Session {
  if (assetClass === 'crypto')
    return { phase: 'regular', day: (Math.floor(time / 86_400_000) * DAY_S) as UnixSeconds };
  const wall = wallTime(NEW_YORK, time);
  if (assetClass === 'fx') {
    const { weekday, minutes } = wall;
    const shut =
      weekday === 6 || (weekday === 5 && minutes >= FX_ROLL) || (weekday === 0 && minutes < FX_ROLL);
    if (shut) return { phase: 'closed', day: undefined };
    const date = daySeconds(wall.year, wall.month, wall.day);
    return { phase: 'regular', day: (minutes >= FX_ROLL ? date + DAY_S : date) as UnixSeconds };
  }
  const kind = nyseDay(wall.year, wall.month, wall.day);
  if (kind === 'closed') return { phase: 'closed', day: undefined };
  const early = kind === 'early';
  const m = wall.minutes;
  const phase: SessionPhase =
    m < PRE_OPEN
      ? 'closed'
      : m < REGULAR_OPEN
        ? 'pre'
        : m < (early ? EARLY_REGULAR_CLOSE : REGULAR_CLOSE)
          ? 'regular'
          : m < (early ? EARLY_POST_CLOSE : POST_CLOSE)
            ? 'post'
            : 'closed';
  return { phase, day: phase === 'closed' ? undefined : daySeconds(wall.year, wall.month, wall.day) };
}

/**
 * The open phases of the trading day dated `day` (00:00 UTC of its date), in time order; empty when the market
 * does not trade that day.
 */
export function sessionSpans(assetClass: AssetClass, day: UnixSeconds): SessionSpan[] {
  const date = new Date(day * 1000);
  const [year, month, dom] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
  const at = (minutes: number, offsetDays = 0) => {
    const d = new Date(Date.UTC(year, month - 1, dom + offsetDays));
    return zonedInstant(NEW_YORK, d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), minutes);
  };
  if (assetClass === 'crypto') {
    return [
      { phase: 'regular', start: (day * 1000) as UnixMillis, end: ((day + DAY_S) * 1000) as UnixMillis },
    ];
  }
  const weekday = date.getUTCDay();
  if (weekday === 0 || weekday === 6) return [];
  if (assetClass === 'fx') return [{ phase: 'regular', start: at(FX_ROLL, -1), end: at(FX_ROLL) }];
  if (!isNyseTradingDate(year, month, dom)) return [];
  const early = dateKey(year, month, dom) in NYSE_EARLY_CLOSES;
  const close = early ? EARLY_REGULAR_CLOSE : REGULAR_CLOSE;
  return [
    { phase: 'pre', start: at(PRE_OPEN), end: at(REGULAR_OPEN) },
    { phase: 'regular', start: at(REGULAR_OPEN), end: at(close) },
    { phase: 'post', start: at(close), end: at(early ? EARLY_POST_CLOSE : POST_CLOSE) },
  ];
}

/** The next moment after `time` at which the phase changes; undefined for a market that never closes. */
export function nextPhaseChange(assetClass: AssetClass, time: UnixMillis): UnixMillis | undefined {
  if (assetClass === 'crypto') return undefined;
  const today = (Math.floor(time / 86_400_000) * DAY_S) as UnixSeconds;
  // A long weekend is at most four days; look a little further.
  for (let offset = -1; offset <= 7; offset++) {
    for (const span of sessionSpans(assetClass, (today + offset * DAY_S) as UnixSeconds)) {
      if (span.start > time) return span.start;
      if (span.end > time) return span.end;
    }
  }
  return undefined;
}

/** The 1d bucket a trade at `time` lands in: its trading day, and for equities only in the regular session. */
export function dayBucket(assetClass: AssetClass, time: UnixMillis): UnixSeconds | undefined {
  const session = sessionAt(assetClass, time);
  if (assetClass === 'equity' && session.phase !== 'regular') return undefined;
  return session.day;
}

/** The Monday of a trading day's week (1w bars are stamped with it). */
export function weekOf(day: UnixSeconds): UnixSeconds {
  const weekday = new Date(day * 1000).getUTCDay();
  return (day - ((weekday + 6) % 7) * DAY_S) as UnixSeconds;
}

/** The first of a trading day's month (1M bars are stamped with it). */
export function monthOf(day: UnixSeconds): UnixSeconds {
  const date = new Date(day * 1000);
  return daySeconds(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}
