import { MinHeap } from '../../lib/min-heap';
import type { Lots, Ticks, UnixMillis } from '../../lib/nominal';
import { createRandom, exponential, hashSeed, normal, type Random } from '../../lib/rng';
import type { Clock } from '../clock';
import { publicInstrument, type SimulatedInstrument } from './catalogue';
import type { MarketEvent, MarketEventSink, PriceSource, SourceHealth } from './price-source';

const YEAR_MS = 365.25 * 24 * 3600 * 1000;
/** Share of market events that are trades; the rest move the bid or ask only. */
const TRADE_SHARE = 0.6;
/** How far back the tick-by-tick history goes; older history is drawn on the coarser grid below. */
const TICK_HISTORY_MS = 20 * 60_000;
/** Older history: [how far back, one point every] in seconds, finest first. */
const HISTORY_GRID: readonly (readonly [number, number])[] = [
  [10 * 3600, 5],
  [2.5 * 86400, 30],
  [7 * 86400, 90],
  [25 * 86400, 300],
  [520 * 86400, 3600],
];

/** One symbol's random walk: a log mid price, a spread, trade sizes and irregular, bursty arrivals. */
class SymbolModel {
  readonly instrument: SimulatedInstrument;
  private readonly random: Random;
  private logMid: number;
  private lastTime: number;
  /** Time of the next event, fractional ms. */
  nextTime: number;
  private burstLeft = 0;

  constructor(instrument: SimulatedInstrument, seed: number, start: number) {
    this.instrument = instrument;
    this.random = createRandom(hashSeed(seed, instrument.symbol));
    this.logMid = Math.log(instrument.referencePrice);
    this.lastTime = start;
    this.nextTime = start + this.gap();
  }

  /**
   * The grid points of the history before the tick-by-tick span, ascending: times and mid prices of the same
   * walk run backwards from where the live model starts.
   */
  historyPath(now: number): { times: Float64Array; prices: Float64Array } {
    const grid: { time: number; step: number }[] = [];
    let time = now - TICK_HISTORY_MS;
    for (const [span, step] of HISTORY_GRID) {
      const stepMs = step * 1000;
      for (let t = Math.ceil(time / stepMs) * stepMs - stepMs; now - t <= span * 1000; t -= stepMs) {
        grid.push({ time: t, step: stepMs });
        time = t;
      }
    }
    const count = grid.length;
    const times = new Float64Array(count);
    const prices = new Float64Array(count);
    let logPrice = this.logMid;
    let later = now - TICK_HISTORY_MS;
    for (let i = 0; i < count; i++) {
      const t = (grid[i] as { time: number }).time;
      logPrice -= this.instrument.volatility * Math.sqrt((later - t) / YEAR_MS) * normal(this.random);
      times[count - 1 - i] = t;
      prices[count - 1 - i] = Math.exp(logPrice);
      later = t;
    }
    return { times, prices };
  }

  /** The trade a history point stands for: every trade of its step, lumped at one price. */
  historyTrade(time: number, price: number, stepMs: number): MarketEvent {
    const { tickSize, spreadTicks, eventsPerSecond, tradeLots } = this.instrument;
    const mid = Math.max(spreadTicks + 1, Math.round(price / tickSize));
    const trades = (eventsPerSecond * TRADE_SHARE * stepMs) / 1000;
    const size = Math.max(1, Math.round(trades * tradeLots * Math.exp(0.5 * normal(this.random) - 0.125)));
    const bid = mid - Math.ceil(spreadTicks / 2);
    return {
      type: 'trade',
      symbol: this.instrument.symbol,
      time: time as UnixMillis,
      price: mid as Ticks,
      size: size as Lots,
      bid: bid as Ticks,
      ask: (bid + spreadTicks) as Ticks,
    };
  }

  /** Mean gap between events, with occasional bursts of activity. */
  private gap(): number {
    const mean = 1000 / this.instrument.eventsPerSecond;
    if (this.burstLeft > 0) {
      this.burstLeft--;
      return exponential(this.random, mean / 6);
    }
    if (this.random() < 0.02) this.burstLeft = 5 + Math.floor(this.random() * 20);
    return exponential(this.random, mean);
  }

  /** Produces the event due at `nextTime` and schedules the one after. */
  step(): MarketEvent {
    const { symbol, tickSize, volatility, spreadTicks, tradeLots } = this.instrument;
    const now = this.nextTime;
    this.logMid += volatility * Math.sqrt((now - this.lastTime) / YEAR_MS) * normal(this.random);
    this.lastTime = now;
    this.nextTime = now + this.gap();

    const spread = spreadTicks + (this.random() < 0.15 ? 1 : 0);
    const mid = Math.exp(this.logMid) / tickSize;
    const bid = Math.max(1, Math.round(mid - spread / 2));
    const ask = bid + spread;
    const time = Math.floor(now) as UnixMillis;
    if (this.random() >= TRADE_SHARE) {
      return { type: 'quote', symbol, time, bid: bid as Ticks, ask: ask as Ticks };
    }
    const buy = this.random() < 0.5;
    const size = Math.max(1, Math.round(tradeLots * Math.exp(normal(this.random) - 0.5)));
    return {
      type: 'trade',
      symbol,
      time,
      price: (buy ? ask : bid) as Ticks,
      size: size as Lots,
      bid: bid as Ticks,
      ask: ask as Ticks,
    };
  }
}

export interface SimulatorOptions {
  seed: number;
  instruments: readonly SimulatedInstrument[];
  clock: Clock;
  /** Generate chart history in `backfill` (the default); without it each symbol starts with one trade. */
  history?: boolean;
}

/**
 * The constant-rate load simulator the benchmarks drive (the product runs `MarketSimulator`, which follows
 * sessions and keeps its history across restarts): it trades every symbol at its mean rate whatever the time, so
 * a benchmark's load does not depend on when it runs. Each symbol walks on its own random stream, so the same seed gives the same ticks
 * whatever the order the symbols are stepped in. History comes from the same model: tick by tick for the last
 * 20 minutes, and on a coarser grid (one lumped trade per point) back to 520 days.
 */
export class Simulator implements PriceSource {
  readonly name = 'sim';
  readonly instruments;
  private readonly clock: Clock;
  private readonly seed: number;
  private readonly catalogue: readonly SimulatedInstrument[];
  private readonly history: boolean;
  /** The symbol models by their next event time. */
  private queue = new MinHeap<SymbolModel>((model) => model.nextTime);
  private readonly created: UnixMillis;

  constructor(options: SimulatorOptions) {
    this.catalogue = options.instruments;
    this.instruments = options.instruments.map(publicInstrument);
    this.clock = options.clock;
    this.created = options.clock.now();
    this.seed = options.seed;
    this.history = options.history ?? true;
  }

  backfill(sink: MarketEventSink, now: UnixMillis): void {
    const start = this.history ? now - TICK_HISTORY_MS : now;
    this.queue = new MinHeap<SymbolModel>((model) => model.nextTime);
    for (const instrument of this.catalogue) {
      const model = new SymbolModel(instrument, this.seed, start);
      if (!this.history) {
        sink(model.historyTrade(now, instrument.referencePrice, 1000));
        this.queue.push(model);
        continue;
      }
      const { times, prices } = model.historyPath(now);
      for (let i = 0; i < times.length; i++) {
        const time = times[i] as number;
        sink(model.historyTrade(time, prices[i] as number, (times[i + 1] ?? start) - time));
      }
      while (model.nextTime < now) sink(model.step());
      this.queue.push(model);
    }
  }

  /** Emits every event due up to `until`, in time order across symbols. */
  advance(sink: MarketEventSink, until: number): void {
    for (let due = this.queue.peek(); due && due.nextTime <= until; due = this.queue.peek()) {
      const event = due.step();
      this.queue.updateTop();
      sink(event);
    }
  }

  /** Always live: it has no upstream. */
  health(): SourceHealth {
    return { state: 'live', since: this.created };
  }

  start(sink: MarketEventSink): () => void {
    if (this.queue.size === 0) this.backfill(() => {}, this.clock.now());
    let stopped = false;
    let cancel = (): void => {};
    const pump = (): void => {
      if (stopped) return;
      this.advance(sink, this.clock.now());
      const next = this.queue.peek()?.nextTime ?? this.clock.now() + 1000;
      cancel = this.clock.setTimer(pump, Math.max(2, next - this.clock.now()));
    };
    pump();
    return () => {
      stopped = true;
      cancel();
    };
  }
}
