import type { UnixMillis } from '../nominal';

const HOUR_MS = 3_600_000;

/** A wall-clock reading in some time zone. `weekday` is 0 for Sunday … 6 for Saturday. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  weekday: number;
  /** Minutes since local midnight. */
  minutes: number;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();
/** Offsets by zone and UTC hour: zones change offset on whole UTC hours (every zone this project uses does). */
const offsets = new Map<string, Map<number, number>>();

function formatter(zone: string): Intl.DateTimeFormat {
  let found = formatters.get(zone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, found);
  }
  return found;
}

/** How far `zone`'s wall clock is ahead of UTC at `time`, in ms, as the platform's time-zone data says. */
export function zoneOffset(zone: string, time: number): number {
  const hour = Math.floor(time / HOUR_MS);
  let byHour = offsets.get(zone);
  if (!byHour) offsets.set(zone, (byHour = new Map()));
  const cached = byHour.get(hour);
  if (cached !== undefined) return cached;
  const at = hour * HOUR_MS;
  const fields: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(at)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const { year = 0, month = 1, day = 1, hour: h = 0, minute = 0, second = 0 } = fields;
  const offset = Date.UTC(year, month - 1, day, h, minute, second) - at;
  if (byHour.size > 200_000) byHour.clear();
  byHour.set(hour, offset);
  return offset;
}

/** The wall-clock date and time in `zone` at `time`. */
export function wallTime(zone: string, time: UnixMillis): WallTime {
  const local = time + zoneOffset(zone, time);
  const days = Math.floor(local / DAY_MS);
  const { year, month, day } = civilDate(days);
  return {
    year,
    month,
    day,
    weekday: (days + 4) % 7 < 0 ? ((days + 4) % 7) + 7 : (days + 4) % 7,
    minutes: (local - days * DAY_MS) / 60_000,
  };
}

/** The proleptic Gregorian date of a count of days since 1970-01-01 (the usual era-based arithmetic, no Date). */
export function civilDate(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/**
 * The instant at which `zone`'s wall clock reads `minutes` past midnight of the date. On a spring-forward day a
 * time in the skipped hour maps to the instant an hour later; in the repeated autumn hour, to the first one.
 */
export function zonedInstant(
  zone: string,
  year: number,
  month: number,
  day: number,
  minutes: number,
): UnixMillis {
  const wall = Date.UTC(year, month - 1, day) + minutes * 60_000;
  // Offsets half a day either side bracket any change of offset near this wall time.
  const earlier = wall - zoneOffset(zone, wall - 12 * HOUR_MS);
  const later = wall - zoneOffset(zone, wall + 12 * HOUR_MS);
  const reads = (instant: number) => instant + zoneOffset(zone, instant) === wall;
  const candidates = [earlier, later].filter(reads);
  // None reads right in a skipped hour: keep the offset from before the gap, which lands an hour on.
  return (candidates.length > 0 ? Math.min(...candidates) : earlier) as UnixMillis;
}
