import { aggregate, type Bar } from '../../../lib/candles';
import { INTERVAL_SECONDS, type Interval } from '../../../lib/intervals';
import type { UnixMillis } from '../../../lib/nominal';
import type { Clock } from '../../clock';
import type { Logger } from '../../logger';
import type { EventSink } from '../price-source';
import type { Backoff } from './backoff';
import type { Carried, Repair } from './carried';
import { barsBefore, mergeBars } from './venue-bars';
import type { Venue, VenueBar } from './venue';
import { barInUnits } from './venue-units';

export interface BarRepairsOptions {
  venue: Venue;
  clock: Clock;
  logger: Logger;
  /** How long after a repair's cut the venue's bars are taken to hold every trade before it, ms. */
  settleMs: number;
  /** Bars kept per interval: a repair fetches no further back. */
  historyBars: number;
  newBackoff: () => Backoff;
  /** Where repaired bars go; undefined once the relay has stopped. */
  sink: () => EventSink | undefined;
}

/**
 * Replaces a symbol's bars from the venue's REST bars after a gap (start, reconnect, missing trade numbers), so the
 * charts have no hole and count nothing twice, retrying with backoff while the venue's bars are unavailable.
 */
export class BarRepairs {
  private readonly options: BarRepairsOptions;
  private stopped = false;

  constructor(options: BarRepairsOptions) {
    this.options = options;
  }

  private get name(): string {
    return this.options.venue.name;
  }

  /** Cancels the repairs under way; none begins after. */
  stop(carried: Iterable<Carried>): void {
    this.stopped = true;
    for (const symbol of carried) symbol.repair?.cancel();
  }

  /**
   * Cuts at the next boundary of the venue's shortest bar: once the venue's bars hold every trade before the cut, they
   * replace ours from the gap on, and the bar each interval has across the cut becomes the venue's part before it
   * plus the trades streamed from it on.
   */
  begin(carried: Carried, gapAfter = carried.intake.newestTime): void {
    const { clock, settleMs, venue, logger } = this.options;
    const previous = carried.repair;
    previous?.cancel();
    carried.intake.forgetMissing();
    const [shortest] = venue.historyIntervals;
    const step = (shortest === undefined ? 1 : INTERVAL_SECONDS[shortest]) * 1000;
    const latest = Math.max(clock.now(), carried.intake.newestTime + 1);
    const cut = (Math.floor(latest / step) * step + step) as UnixMillis;
    // A repair that was still under way is taken over: its gap is this one's too.
    const start = Math.min(gapAfter, previous?.from ?? Infinity);
    const from = (Number.isFinite(start) ? start : -Infinity) as UnixMillis;
    const backoff = this.options.newBackoff();
    const repair: Repair = { cut, from, since: [], cancel: () => {} };
    carried.repair = repair;
    const attempt = (): void => {
      if (carried.repair !== repair || this.stopped) return;
      this.fetch(carried, repair).then(
        (bars) => this.finish(carried, repair, bars),
        (error: unknown) => {
          if (carried.repair !== repair || this.stopped) return;
          const delay = backoff.next();
          logger.warn(
            { venue: this.name, symbol: carried.symbol, err: (error as Error).message, retryInMs: delay },
            'bars unavailable, retrying',
          );
          repair.cancel = clock.setTimer(attempt, delay);
        },
      );
    };
    repair.cancel = clock.setTimer(attempt, Math.max(1, cut + settleMs - clock.now()));
  }

  private async fetch(carried: Carried, repair: Repair): Promise<Map<Interval, Bar[]>> {
    const { venue, historyBars } = this.options;
    const intervals = venue.historyIntervals;
    const fetched = new Map<Interval, Bar[]>();
    const limit = Math.min(historyBars, venue.barsPerRequest);
    for (let i = 0; i < intervals.length; i++) {
      const interval = intervals[i] as Interval;
      const ms = INTERVAL_SECONDS[interval] * 1000;
      const longer = intervals[i + 1];
      // The bucket of the next longer interval that holds the cut is tiled from this one's bars.
      const tile =
        longer === undefined
          ? Infinity
          : Math.floor(repair.cut / (INTERVAL_SECONDS[longer] * 1000)) * INTERVAL_SECONDS[longer] * 1000;
      // At start, one request's worth; after a gap, from the gap on, within the bars kept.
      const from = Number.isFinite(repair.from)
        ? Math.max(repair.cut - historyBars * ms, Math.min(Math.floor(repair.from / ms) * ms, tile))
        : Math.min(repair.cut - limit * ms, tile);
      const raw = await venue.bars(carried.venue.venueSymbol, interval, from as UnixMillis, repair.cut);
      fetched.set(interval, this.inUnits(carried, raw));
    }
    return fetched;
  }

  private inUnits(carried: Carried, raw: readonly VenueBar[]): Bar[] {
    const bars: Bar[] = [];
    for (const bar of raw) {
      const inUnits = barInUnits(bar, carried.venue);
      if (inUnits) bars.push(inUnits);
      else
        this.options.logger.warn(
          { venue: this.name, symbol: carried.symbol, bar },
          'bar off the tick or lot grid refused',
        );
    }
    return bars;
  }

  private finish(carried: Carried, repair: Repair, fetched: Map<Interval, Bar[]>): void {
    const sink = this.options.sink();
    if (carried.repair !== repair || this.stopped || !sink) return;
    const since = repair.since;
    const newest = since.reduce((latest, trade) => Math.max(latest, trade.time), repair.cut - 1);
    for (const [interval, bars] of barsBefore(fetched, this.options.venue.historyIntervals, repair.cut)) {
      const last = bars.at(-1);
      const seconds = INTERVAL_SECONDS[interval];
      // The bar across the cut: the venue's part before it, then what streamed since.
      if (last && last.time * 1000 < repair.cut && (last.time + seconds) * 1000 > repair.cut) {
        const after = aggregate(since, interval).filter((bar) => bar.time === last.time);
        bars[bars.length - 1] = mergeBars([last, ...after], last.time) ?? last;
      }
      if (bars.length > 0) {
        sink({ type: 'bars', symbol: carried.symbol, interval, bars, asOf: (newest + 1) as UnixMillis });
      }
    }
    carried.repair = undefined;
    carried.repairedUntil = repair.cut;
    this.options.logger.info(
      {
        venue: this.name,
        symbol: carried.symbol,
        cut: new Date(repair.cut).toISOString(),
        since: since.length,
      },
      'bars repaired from the venue',
    );
  }
}
