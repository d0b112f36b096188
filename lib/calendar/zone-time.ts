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

const formatters = new Map<string, Intl.DateTimeFormat>();
/** Offsets by zone and UTC hour: zones change offset on whole UTC hours (every zone this project uses does). */
const offsets = new Map<string, number>();

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
  const key = `${zone}@${hour}`;
  const cached = offsets.get(key);
  if (cached !== undefined) return cached;
  const at = hour * HOUR_MS;
  const fields: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(at)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const { year = 0, month = 1, day = 1, hour: h = 0, minute = 0, second = 0 } = fields;
  const offset = Date.UTC(year, month - 1, day, h, minute, second) - at;
  if (offsets.size > 50_000) offsets.clear();
  offsets.set(key, offset);
  return offset;
}

/** The wall-clock date and time in `zone` at `time`. */
export function wallTime(zone: string, time: UnixMillis): WallTime {
  const local = new Date(time + zoneOffset(zone, time));
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    weekday: local.getUTCDay(),
    minutes: local.getUTCHours() * 60 + local.getUTCMinutes() + local.getUTCSeconds() / 60,
  };
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
