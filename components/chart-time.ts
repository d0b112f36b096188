import { TickMarkType, type Time } from 'lightweight-charts';
import type { Instrument } from '../lib/instrument';
import type { TimeZoneChoice } from './store/preferences-store';

/** Where each asset class's trading day is reckoned: US equities and FX in New York, crypto in UTC. */
const EXCHANGE_ZONES: Readonly<Record<Instrument['assetClass'], string>> = {
  equity: 'America/New_York',
  fx: 'America/New_York',
  crypto: 'UTC',
};

/** The IANA zone for a choice; undefined means the viewer's own. */
export function zoneOf(choice: TimeZoneChoice, instrument: Instrument | undefined): string | undefined {
  if (choice === 'utc') return 'UTC';
  if (choice === 'exchange') return instrument ? EXCHANGE_ZONES[instrument.assetClass] : 'UTC';
  return undefined;
}

const formats = new Map<string, Intl.DateTimeFormat>();
function format(zone: string | undefined, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${zone ?? 'local'} ${JSON.stringify(options)}`;
  let found = formats.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat('en-GB', { ...options, ...(zone ? { timeZone: zone } : {}) });
    formats.set(key, found);
  }
  return found;
}

const seconds = (time: Time) => (typeof time === 'number' ? time : 0) * 1000;

/** The crosshair's time label: date and time in `zone`, with seconds for second bars. */
export function crosshairTimeFormatter(zone: string | undefined, withSeconds: boolean) {
  const f = format(zone, {
    day: '2-digit',
    month: 'short',
    year: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    ...(withSeconds ? { second: '2-digit' } : {}),
    hourCycle: 'h23',
  });
  return (time: Time) => f.format(seconds(time));
}

/** The time axis' labels in `zone`: years, months, days or times, as lightweight-charts asks for each tick. */
export function tickFormatter(zone: string | undefined) {
  return (time: Time, type: TickMarkType): string => {
    const ms = seconds(time);
    switch (type) {
      case TickMarkType.Year:
        return format(zone, { year: 'numeric' }).format(ms);
      case TickMarkType.Month:
        return format(zone, { month: 'short' }).format(ms);
      case TickMarkType.DayOfMonth:
        return format(zone, { day: 'numeric', month: 'short' }).format(ms);
      case TickMarkType.Time:
        return format(zone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms);
      case TickMarkType.TimeWithSeconds:
        return format(zone, {
          hour: '2-digit',
          minute: '2-digit',
          second: '2-digit',
          hourCycle: 'h23',
        }).format(ms);
    }
  };
}
