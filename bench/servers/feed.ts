import { hashSeed } from '../../lib/rng';
import { systemClock, type Clock } from '../../server/clock';
import { configWith } from '../../server/config';
import { MarketState } from '../../server/market/market-state';
import { syntheticCatalogue } from '../../server/source/catalogue';
import type { MarketEvent, PriceSource } from '../../server/source/price-source';
import { Simulator } from '../../server/source/simulator';

export interface FeedOptions {
  seed: number;
  symbols: number;
  ticksPerSec: number;
  /** Rate in 'spike' mode; the simulator runs at this rate and is thinned to `ticksPerSec` otherwise. */
  spikeTicksPerSec?: number | undefined;
}

/**
 * What reaches the market: nothing (while clients connect, so connecting is measured on idle connections), the
 * base rate, or every event the simulator makes (the spike rate).
 */
export type FeedMode = 'closed' | 'base' | 'spike';

/** The seeded feed every bench server runs, so L, N and O see the same ticks. */
export interface BenchFeed {
  readonly source: PriceSource;
  setMode(mode: FeedMode): void;
  /**
   * Shuts the feed (or sets it to `then`) `ms` from now, checked on every batch of ticks: a server too busy to read
   * its messages in time still stops taking ticks on time, and the events it is behind on are dropped.
   */
  closeAfter(ms: number, then?: FeedMode): void;
  /** Stops the ticks for good (the final state is then fixed). */
  stop(): void;
  /** Events passed to the market so far. */
  readonly events: number;
  /**
   * CPU time spent generating ticks so far, not counting what the server does with them: the stand-in for an
   * exchange connection, the same work whatever the server, which the bench reports apart.
   */
  readonly simulatorMs: number;
}

export function createFeed(options: FeedOptions): BenchFeed {
  let simulatorMs = 0;
  // The simulator runs only in its timer callbacks. Each callback makes its events into a batch, timed as the
  // simulator's, and the batch then goes to the server untimed: two CPU readings per callback (one every few
  // milliseconds), none per event. The readings are the process's, so helper threads (V8's concurrent marking
  // and compilation) running meanwhile count as the simulator's: an approximation.
  let batch: MarketEvent[] = [];
  let deliver: (events: readonly MarketEvent[]) => void = () => {};
  const timedClock: Clock = {
    now: systemClock.now,
    setTimer(callback, ms) {
      return systemClock.setTimer(() => {
        const cpu = process.cpuUsage();
        callback();
        const used = process.cpuUsage(cpu);
        simulatorMs += (used.user + used.system) / 1000;
        const events = batch;
        batch = [];
        deliver(events);
      }, ms);
    },
  };
  const peak = options.spikeTicksPerSec ?? options.ticksPerSec;
  const simulator = new Simulator({
    seed: options.seed,
    instruments: syntheticCatalogue(options.symbols, peak),
    clock: timedClock,
    history: false,
  });
  // Thinning by a hash of the event keeps the same events for every server, and a thinned Poisson stream is
  // a Poisson stream at the lower rate.
  const keepOneIn = Math.max(1, Math.round(peak / options.ticksPerSec));
  let mode: FeedMode = 'base';
  let closeAt = Infinity;
  let afterClose: FeedMode = 'closed';
  let events = 0;
  let stopSimulator: (() => void) | undefined;
  const passes = (event: MarketEvent): boolean => {
    if (mode === 'spike') return true;
    return mode === 'base' && (keepOneIn === 1 || hashSeed(event.symbol, event.time) % keepOneIn === 0);
  };

  return {
    source: {
      name: simulator.name,
      health: () => simulator.health(),
      instruments: simulator.instruments,
      backfill: (sink, now) => simulator.backfill(sink, now),
      start(sink) {
        deliver = (due) => {
          // Checked once a batch (a few milliseconds of ticks), before any of it reaches the server.
          if (closeAt !== Infinity && performance.now() >= closeAt) {
            mode = afterClose;
            closeAt = Infinity;
          }
          for (const event of due) {
            if (!passes(event)) continue;
            events++;
            sink(event);
          }
        };
        stopSimulator = simulator.start((event) => void batch.push(event));
        return () => stopSimulator?.();
      },
    },
    setMode(next) {
      mode = next;
      closeAt = Infinity;
    },
    closeAfter(ms, then = 'closed') {
      closeAt = performance.now() + ms;
      afterClose = then;
    },
    stop() {
      stopSimulator?.();
      deliver = () => {};
    },
    get events() {
      return events;
    },
    get simulatorMs() {
      return simulatorMs;
    },
  };
}

/** A market fed by `feed`, as the L and N servers keep it (O builds its own in `startFeedServer`). */
export function startMarket(feed: BenchFeed): MarketState {
  const market = new MarketState(feed.source.instruments, configWith({}).HISTORY_BARS);
  market.backfill(feed.source, systemClock.now());
  feed.source.start((event) => market.apply(event));
  return market;
}
