import type { Bar } from '../../lib/candles';
import { monthOf, nextPhaseChange, sessionAt, sessionSpans, weekOf } from '../../lib/calendar/sessions';
import type { AssetClass } from '../../lib/instrument';
import { INTERVAL_SECONDS, type Interval } from '../../lib/intervals';
import { MinHeap } from '../../lib/min-heap';
import type { Lots, UnixMillis, UnixSeconds } from '../../lib/nominal';
import type { Clock } from '../clock';
import { publicInstrument, type SimulatedInstrument } from './catalogue';
import {
  BLOCK_MS,
  blockOf,
  EPOCH,
  MarketPath,
  MINUTE_MS,
  minuteOf,
  MINUTES_PER_BLOCK,
  type PathBar,
} from './market-path';
import type { SymbolStatus } from '../../lib/protocol';
import type { EventSink, PriceSource, QuoteEvent, SourceHealth, TradeEvent } from './price-source';

type TickEvent = TradeEvent | QuoteEvent;

/** How far back to look for a symbol's last trade before the start (a long weekend is four days). */
const LAST_TRADE_SEARCH_DAYS = 20;

/** Bars of one interval, built in time order: a piece in the newest bar's bucket merges into it. */
class Roller {
  readonly bars: Bar[] = [];

  add(time: UnixSeconds | undefined, piece: PathBar): void {
    if (time === undefined) return;
    const last = this.bars.at(-1);
    if (last?.time === time) {
      if (piece.high > last.high) last.high = piece.high;
      if (piece.low < last.low) last.low = piece.low;
      last.close = piece.close;
      last.volume = (last.volume + piece.volume) as Lots;
    } else {
      this.bars.push({ time, ...piece });
    }
  }
}

const asPiece = (trade: TradeEvent): PathBar => ({
  open: trade.price,
  high: trade.price,
  low: trade.price,
  close: trade.price,
  volume: trade.size,
});

const seconds = (time: number, of: number) => (Math.floor(time / 1000 / of) * of) as UnixSeconds;

/** One symbol's live position on its path: the events of one minute and the next one due. */
class Cursor {
  readonly path: MarketPath;
  private minute = 0;
  private events: TickEvent[] = [];
  private index = 0;
  private blockIndex = Number.NaN;
  private blockMinutes: PathBar[] | undefined;
  nextTime = Infinity;

  constructor(path: MarketPath) {
    this.path = path;
  }

  /** Minute `m`'s bar, or undefined while the market is closed. */
  minuteBar(m: number): PathBar | undefined {
    const k = Math.floor(m / MINUTES_PER_BLOCK);
    if (k !== this.blockIndex) {
      this.blockIndex = k;
      this.blockMinutes = this.path.minutesOfBlock(k);
    }
    return this.blockMinutes?.[m - k * MINUTES_PER_BLOCK];
  }

  /** Positions the cursor at the first event at or after `time`. */
  seek(time: number): void {
    this.minute = minuteOf(time);
    this.load(this.minute);
    while (this.nextTime < time) this.take();
  }

  /** The event due now; moves on to the next (into later minutes as needed). */
  take(): TickEvent {
    const event = this.events[this.index++] as TickEvent;
    if (this.index < this.events.length) this.nextTime = (this.events[this.index] as TickEvent).time;
    else this.load(this.minute + 1);
    return event;
  }

  /** Loads the first minute at or after `m` that has events; closed blocks are skipped whole. */
  private load(m: number): void {
    const limit = m + LAST_TRADE_SEARCH_DAYS * 1440;
    while (m < limit) {
      const bar = this.minuteBar(m);
      if (!bar) {
        m = (Math.floor(m / MINUTES_PER_BLOCK) + 1) * MINUTES_PER_BLOCK;
        continue;
      }
      this.minute = m;
      this.events = this.path.events(m, bar);
      this.index = 0;
      this.nextTime = (this.events[0] as TickEvent).time;
      return;
    }
    this.events = [];
    this.nextTime = Infinity;
  }
}

export interface MarketSimulatorOptions {
  seed: number;
  instruments: readonly SimulatedInstrument[];
  clock: Clock;
  /** Bars of history per intraday interval (HISTORY_BARS). */
  historyBars?: number;
  /** Days of history for 1d, 1w and 1M (and the cap of every other interval's). */
  historyDays?: number;
}

/**
 * The market simulator: every symbol's bars and trades are a pure function of (seed, symbol, time)
 * (`market-path.ts`), so two starts with the same seed, at any two moments, show the same history, and the live
 * stream continues it. Trading follows each instrument's sessions (`lib/calendar`). History goes to the market as
 * whole bars per interval, up to the symbol's last trade before the start, then that trade.
 */
export class MarketSimulator implements PriceSource {
  readonly name = 'sim';
  readonly instruments;
  private readonly created: UnixMillis;
  /** Each symbol's status as last sent: `closed` outside its sessions, `live` in them (extended hours too). */
  private readonly statuses = new Map<string, SymbolStatus>();
  /** When each asset class's phase next changes, so statuses are looked at only then. */
  private readonly phaseChanges = new Map<AssetClass, number>();
  private readonly clock: Clock;
  private readonly paths: MarketPath[];
  private readonly historyBars: number;
  private readonly historyDays: number;
  private queue = new MinHeap<Cursor>((cursor) => cursor.nextTime);

  constructor(options: MarketSimulatorOptions) {
    this.instruments = options.instruments.map(publicInstrument);
    this.clock = options.clock;
    this.paths = options.instruments.map((instrument) => new MarketPath(options.seed, instrument));
    this.historyBars = options.historyBars ?? 2000;
    this.historyDays = options.historyDays ?? 400;
    this.created = this.clock.now();
  }

  health(): SourceHealth {
    return { state: 'live', since: this.created };
  }

  /** Sends a `status` event for each symbol whose open or closed state differs from what was last sent. */
  private updateStatuses(sink: EventSink, now: number): void {
    for (const path of this.paths) {
      const { symbol, assetClass } = path.instrument;
      const due = this.phaseChanges.get(assetClass);
      if (due !== undefined && now < due) continue;
      const status: SymbolStatus =
        sessionAt(assetClass, now as UnixMillis).phase === 'closed' ? 'closed' : 'live';
      if (this.statuses.get(symbol) !== status) {
        // A symbol starts live in the market: only a change (or a closed start) needs saying.
        if (this.statuses.has(symbol) || status === 'closed') sink({ type: 'status', symbol, status });
        this.statuses.set(symbol, status);
      }
    }
    for (const { assetClass } of this.instruments) {
      const due = this.phaseChanges.get(assetClass);
      if (due === undefined || now >= due) {
        this.phaseChanges.set(assetClass, nextPhaseChange(assetClass, now as UnixMillis) ?? Infinity);
      }
    }
  }

  backfill(sink: EventSink, now: UnixMillis): void {
    this.queue = new MinHeap<Cursor>((cursor) => cursor.nextTime);
    for (const path of this.paths) {
      const cursor = new Cursor(path);
      this.history(cursor, now, sink);
      cursor.seek(now);
      this.queue.push(cursor);
    }
    this.statuses.clear();
    this.phaseChanges.clear();
    this.updateStatuses(sink, now);
  }

  /** Emits every event due up to `until`, in time order across symbols, with status changes as sessions turn. */
  advance(sink: EventSink, until: number): void {
    for (let due = this.queue.peek(); due && due.nextTime <= until; due = this.queue.peek()) {
      this.updateStatuses(sink, due.nextTime);
      const event = due.take();
      this.queue.updateTop();
      sink(event);
    }
    this.updateStatuses(sink, until);
  }

  start(sink: EventSink): () => void {
    if (this.queue.size === 0) this.backfill(() => {}, this.clock.now());
    let stopped = false;
    let cancel = (): void => {};
    const pump = (): void => {
      if (stopped) return;
      const now = this.clock.now();
      this.advance(sink, now);
      const next = Math.min(this.queue.peek()?.nextTime ?? Infinity, ...this.phaseChanges.values());
      // Closed over a weekend, the next event may be days away: wake at least hourly.
      cancel = this.clock.setTimer(pump, Math.min(3_600_000, Math.max(2, next - now)));
    };
    pump();
    return () => {
      stopped = true;
      cancel();
    };
  }

  /** The last trade before `now`, with the events of its minute before it. */
  private lastTrade(
    cursor: Cursor,
    now: number,
  ): { minute: number; before: TradeEvent[]; last: TradeEvent } | undefined {
    const floor = minuteOf(now) - LAST_TRADE_SEARCH_DAYS * 1440;
    for (let m = minuteOf(now); m > floor;) {
      const bar = cursor.minuteBar(m);
      if (!bar) {
        m = Math.floor(m / MINUTES_PER_BLOCK) * MINUTES_PER_BLOCK - 1;
        continue;
      }
      const trades = cursor.path
        .events(m, bar)
        .filter((event): event is TradeEvent => event.type === 'trade' && event.time < now);
      const last = trades.pop();
      if (last) return { minute: m, before: trades, last };
      m--;
    }
    return undefined;
  }

  /**
   * Sends `sink` the symbol's bars at every interval up to its last trade before `now` (as of that trade), then
   * the trade itself. Coarse intervals are rolled up from blocks, 1m and 5m from minutes, 1s from trades: each
   * adds up exactly to the level above, so the bars equal those that live trades make.
   */
  private history(cursor: Cursor, now: UnixMillis, sink: EventSink): void {
    const found = this.lastTrade(cursor, now);
    if (!found) return;
    const { path } = cursor;
    const { assetClass } = path.instrument;
    const { symbol } = path.instrument;
    const { minute: lastMinute, before, last } = found;
    const lastBlock = Math.floor(lastMinute / MINUTES_PER_BLOCK);
    const bars = this.historyBars;

    const rollers = {
      '1s': new Roller(),
      '1m': new Roller(),
      '5m': new Roller(),
      '15m': new Roller(),
      '1h': new Roller(),
      '1d': new Roller(),
      '1w': new Roller(),
      '1M': new Roller(),
    } satisfies Record<Interval, Roller>;
    /** The trading-day buckets of a moment, for the three calendar intervals. */
    let calendarDay: UnixSeconds | undefined;
    let week: UnixSeconds | undefined;
    let month: UnixSeconds | undefined;
    const coarse = (
      time: number,
      piece: PathBar,
      withQuarter: boolean,
      session = sessionAt(assetClass, time as UnixMillis),
    ) => {
      if (withQuarter) rollers['15m'].add(seconds(time, 900), piece);
      if (time >= hourFrom) rollers['1h'].add(seconds(time, 3600), piece);
      const day = assetClass === 'equity' && session.phase !== 'regular' ? undefined : session.day;
      if (day === undefined) return;
      if (day !== calendarDay) {
        calendarDay = day;
        week = weekOf(day);
        month = monthOf(day);
      }
      rollers['1d'].add(day, piece);
      rollers['1w'].add(week, piece);
      rollers['1M'].add(month, piece);
    };
    const fine = (time: number, piece: PathBar) => {
      if (time >= minuteFrom) rollers['1m'].add(seconds(time, 60), piece);
      rollers['5m'].add(seconds(time, 300), piece);
    };

    const lastTime = last.time as number;
    const dayFrom = lastTime - this.historyDays * 86_400_000;
    const span = (interval: Interval) =>
      Math.max(dayFrom, lastTime - bars * INTERVAL_SECONDS[interval] * 1000);
    const hourFrom = span('1h');
    const minuteFrom = span('1m');
    const quarterFrom = span('15m');

    // Whole blocks before the last trade's, walked by trading day and session so closed time costs nothing; an
    // equity's extended hours count for 15m and 1h only, so older ones are skipped.
    const lastDay = Math.floor(lastTime / 86_400_000) + 1;
    for (let date = Math.floor(dayFrom / 86_400_000); date <= lastDay; date++) {
      const day = (date * 86_400) as UnixSeconds;
      for (const { phase, start, end } of sessionSpans(assetClass, day)) {
        if (assetClass === 'equity' && phase !== 'regular' && end <= hourFrom) continue;
        const session = { phase, day };
        for (let k = Math.max(blockOf(start), blockOf(dayFrom)); k < Math.min(blockOf(end), lastBlock); k++) {
          const block = path.block(k, phase) as PathBar;
          const time = EPOCH + k * BLOCK_MS;
          coarse(time, block, time >= quarterFrom, session);
        }
      }
    }
    // Whole minutes before the last trade's: of recent blocks for 1m and 5m, of its own block for every interval.
    for (let m = Math.max(minuteOf(span('5m')), 0); m < lastMinute; m++) {
      const bar = cursor.minuteBar(m);
      if (!bar) {
        m = (Math.floor(m / MINUTES_PER_BLOCK) + 1) * MINUTES_PER_BLOCK - 1;
        continue;
      }
      const start = EPOCH + m * MINUTE_MS;
      fine(start, bar);
      if (m >= lastBlock * MINUTES_PER_BLOCK) coarse(start, bar, true);
    }
    // Trades for 1s, and those of the last trade's minute before it for every interval.
    const secondFrom = span('1s');
    for (let m = minuteOf(secondFrom); m < lastMinute; m++) {
      const bar = cursor.minuteBar(m);
      if (!bar) continue;
      for (const event of path.events(m, bar)) {
        if (event.type === 'trade' && event.time >= secondFrom)
          rollers['1s'].add(seconds(event.time, 1), asPiece(event));
      }
    }
    for (const trade of before) {
      const piece = asPiece(trade);
      rollers['1s'].add(seconds(trade.time, 1), piece);
      fine(trade.time, piece);
      coarse(trade.time, piece, true);
    }

    // The oldest bar of each interval may have begun before its span: it goes, so every bar sent is whole.
    // Coarsest first: the market rolls a source's 1d bars up into weeks and months only if it sends none of its own.
    for (const [interval, roller] of (Object.entries(rollers) as [Interval, Roller][]).reverse()) {
      const whole = roller.bars.slice(1);
      if (whole.length > 0) sink({ type: 'bars', symbol, interval, bars: whole, asOf: last.time });
    }
    sink(last);
  }
}
