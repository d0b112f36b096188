import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sessionAt } from '../../lib/calendar/sessions';
import { wallTime } from '../../lib/calendar/zone-time';
import { aggregate, type Bar } from '../../lib/candles';
import { INTERVAL_SECONDS, INTERVALS, type Interval } from '../../lib/intervals';
import type { UnixMillis } from '../../lib/nominal';
import { MarketState } from '../../server/market/market-state';
import { CATALOGUE, type SimulatedInstrument } from '../../server/source/catalogue';
import { BLOCK_MS, EPOCH, MarketPath, MINUTE_MS, MINUTES_PER_BLOCK } from '../../server/source/market-path';
import { MarketSimulator } from '../../server/source/market-simulator';
import type { SourceEvent, TradeEvent } from '../../server/source/price-source';
import { ManualClock } from '../support/manual-clock';

const pick = (...symbols: string[]) => CATALOGUE.filter((i) => symbols.includes(i.symbol));
const instrument = (symbol: string) => pick(symbol)[0] as SimulatedInstrument;
const THREE = pick('AAPL', 'BTC-USD', 'EURUSD');
/** Tuesday 11 March 2025, 10:40 New York (EDT). */
const TUESDAY = Date.UTC(2025, 2, 11, 14, 40, 17, 250);

/** A market fed by a simulator started at `start`, then run live on a manual clock for `liveMs`. */
function run(start: number, liveMs: number, instruments = THREE, seed = 1) {
  const clock = new ManualClock(start);
  const simulator = new MarketSimulator({ seed, instruments, clock, historyBars: 600, historyDays: 60 });
  const market = new MarketState(simulator.instruments, 600);
  market.backfill(simulator, clock.now());
  const live: SourceEvent[] = [];
  const stop = simulator.start((event) => {
    live.push(event);
    market.apply(event);
  });
  clock.advance(liveMs);
  stop();
  return { market, live, end: clock.now() };
}

/** Bars of both markets at the same times, leaving out each one's newest (it may still be forming). */
function overlap(a: MarketState, b: MarketState, symbol: string, interval: Interval) {
  const ours = a.bars(symbol, interval, 100_000).slice(0, -1);
  const theirs = b.bars(symbol, interval, 100_000).slice(0, -1);
  const times = new Set(theirs.map((bar) => bar.time));
  const shared = ours.filter((bar) => times.has(bar.time));
  const sharedTimes = new Set(shared.map((bar) => bar.time));
  return { ours: shared, theirs: theirs.filter((bar) => sharedTimes.has(bar.time)) };
}

const trades = (events: readonly SourceEvent[]) => events.filter((e): e is TradeEvent => e.type === 'trade');

describe('the market simulator', () => {
  it('gives two starts with the same seed, 23 minutes apart, identical closed bars at every interval', () => {
    const first = run(TUESDAY, 26 * 60_000);
    const second = run(TUESDAY + 23 * 60_000, 3 * 60_000);
    for (const { symbol } of THREE) {
      for (const interval of INTERVALS) {
        const { ours, theirs } = overlap(first.market, second.market, symbol, interval);
        expect(ours.length, `${symbol} ${interval}`).toBeGreaterThan(interval === '1M' ? 0 : 1);
        expect(ours, `${symbol} ${interval}`).toEqual(theirs);
      }
    }
  });

  it('agrees across a weekend: a Friday start run live and a Monday start show the same bars', () => {
    // Friday 7 March 2025 19:55 New York, five minutes before post-market closes; Monday 09:40.
    const friday = run(Date.UTC(2025, 2, 8, 0, 55), 10 * 60_000, pick('AAPL', 'EURUSD'));
    const monday = run(Date.UTC(2025, 2, 10, 13, 40), 0, pick('AAPL', 'EURUSD'));
    for (const symbol of ['AAPL', 'EURUSD']) {
      for (const interval of ['15m', '1h', '1d'] as const) {
        const { ours, theirs } = overlap(friday.market, monday.market, symbol, interval);
        expect(ours.length, `${symbol} ${interval}`).toBeGreaterThan(1);
        expect(ours, `${symbol} ${interval}`).toEqual(theirs);
      }
    }
  });

  it('gives a different history for a different seed', () => {
    const one = run(TUESDAY, 0, pick('BTC-USD'), 1).market.bars('BTC-USD', '1h', 50);
    const two = run(TUESDAY, 0, pick('BTC-USD'), 2).market.bars('BTC-USD', '1h', 50);
    expect(one.map((bar) => bar.close)).not.toEqual(two.map((bar) => bar.close));
  });

  it('draws history bars that open where the previous one closed, as live ones do', () => {
    const { market } = run(TUESDAY, 60_000, pick('BTC-USD', 'AAPL'));
    for (const interval of ['1m', '5m', '15m', '1h'] as const) {
      const bars = market.bars('BTC-USD', interval, 500);
      const gaps = bars.slice(1).filter((bar, i) => bar.open !== (bars[i] as Bar).close);
      expect(gaps, interval).toEqual([]);
    }
    // Within a session an equity's minutes chain too (overnight it gaps, as markets do).
    const today = market.bars('AAPL', '1m', 500).filter((bar) => bar.time * 1000 >= Date.UTC(2025, 2, 11, 8));
    expect(today.slice(1).filter((bar, i) => bar.open !== (today[i] as Bar).close)).toEqual([]);
  });

  it('keeps the live quote on the path: last is the newest 1s close, prevClose yesterday’s regular close', () => {
    const { market } = run(TUESDAY, 30_000);
    const quote = market.quote('AAPL');
    expect(quote?.last).toBe(market.bars('AAPL', '1s', 1)[0]?.close);
    const days = market.bars('AAPL', '1d', 2);
    expect(days.map((bar) => bar.time)).toEqual([Date.UTC(2025, 2, 10) / 1000, Date.UTC(2025, 2, 11) / 1000]);
    expect(quote?.prevClose).toBe(days[0]?.close);
  });
});

describe('simulated sessions', () => {
  it('trade no equity or FX on a Saturday, and crypto all the same', () => {
    const { live, market } = run(Date.UTC(2025, 2, 8, 15, 0), 10 * 60_000);
    const bySymbol = (symbol: string) => trades(live).filter((t) => t.symbol === symbol).length;
    expect(bySymbol('AAPL')).toBe(0);
    expect(bySymbol('EURUSD')).toBe(0);
    expect(bySymbol('BTC-USD')).toBeGreaterThan(100);
    // The board still shows Friday's last prices.
    expect(market.quote('AAPL')?.time).toBeLessThan(Date.UTC(2025, 2, 8, 1, 0));
    expect(market.quote('EURUSD')?.time).toBeLessThan(Date.UTC(2025, 2, 7, 22, 0));
  });

  it('keeps equity bars to trading days and 1m bars to 04:00-20:00 New York, FX off Saturdays, crypto every day', () => {
    // Monday 1 December 2025, 10:30 New York: the history holds Thanksgiving, a weekend and an early close.
    const { market } = run(Date.UTC(2025, 11, 1, 15, 30), 0);
    const dayKeys = market
      .bars('AAPL', '1d', 1000)
      .map((bar) => new Date(bar.time * 1000).toISOString().slice(0, 10));
    expect(dayKeys).not.toContain('2025-11-27');
    expect(dayKeys).toContain('2025-11-28');
    expect(dayKeys.filter((key) => [0, 6].includes(new Date(key).getUTCDay()))).toEqual([]);
    for (const interval of ['1m', '5m', '15m', '1h'] as const) {
      const outside = market
        .bars('AAPL', interval, 100_000)
        .filter((bar) => sessionAt('equity', (bar.time * 1000) as UnixMillis).phase === 'closed');
      expect(outside, interval).toEqual([]);
    }
    for (const bar of market.bars('AAPL', '1m', 100_000)) {
      const { minutes } = wallTime('America/New_York', (bar.time * 1000) as UnixMillis);
      expect(minutes).toBeGreaterThanOrEqual(4 * 60);
      expect(minutes).toBeLessThan(20 * 60);
    }
    // The early close of 28 November: nothing after 17:00 New York (22:00 UTC).
    const friday = market
      .bars('AAPL', '15m', 100_000)
      .filter((bar) => bar.time * 1000 >= Date.UTC(2025, 10, 28, 9));
    expect(
      friday.filter(
        (bar) =>
          bar.time * 1000 >= Date.UTC(2025, 10, 28, 22) && bar.time * 1000 < Date.UTC(2025, 10, 29, 12),
      ),
    ).toEqual([]);
    const saturday = (bar: Bar) => wallTime('UTC', (bar.time * 1000) as UnixMillis).weekday === 6;
    for (const interval of ['1m', '1h', '1d'] as const) {
      expect(market.bars('EURUSD', interval, 100_000).filter(saturday), interval).toEqual([]);
    }
    expect(market.bars('BTC-USD', '1d', 100_000).filter(saturday).length).toBeGreaterThan(0);
  });

  it('trades thinly outside the regular session and in a U across it', () => {
    const path = new MarketPath(1, instrument('AAPL'));
    const volumeAt = (hour: number, minute: number) => {
      let total = 0;
      // Twenty weekdays of March 2025 (EDT): the same New York time each day.
      for (let date = 3; date <= 31; date++) {
        const time = Date.UTC(2025, 2, date, hour + 4, minute);
        const block = path.block(Math.floor((time - EPOCH) / BLOCK_MS));
        total += block?.volume ?? 0;
      }
      return total;
    };
    const open = volumeAt(9, 30);
    const noon = volumeAt(12, 30);
    const close = volumeAt(15, 45);
    const pre = volumeAt(7, 0);
    const post = volumeAt(17, 0);
    expect(open).toBeGreaterThan(1.8 * noon);
    expect(close).toBeGreaterThan(1.8 * noon);
    expect(pre).toBeLessThan(noon / 4);
    expect(post).toBeLessThan(noon / 4);
    expect(pre).toBeGreaterThan(0);
    expect(volumeAt(21, 0)).toBe(0);
  });
});

describe('market path levels', () => {
  const symbols = fc.constantFrom('AAPL', 'BTC-USD', 'EURUSD', 'DOGE-USD', 'USDJPY', 'INTC');
  /** A block index in 2025 or 2026. */
  const blockIndex = fc
    .integer({ min: 0, max: 2 * 35_000 })
    .map((i) => Math.floor((Date.UTC(2025, 0, 1) - EPOCH) / BLOCK_MS) + i);
  const asTrades = (bar: Bar): { time: UnixMillis; price: Bar['open']; size: Bar['volume'] }[] => [
    { time: (bar.time * 1000) as UnixMillis, price: bar.open, size: 0 as Bar['volume'] },
    { time: (bar.time * 1000 + 1) as UnixMillis, price: bar.high, size: 0 as Bar['volume'] },
    { time: (bar.time * 1000 + 2) as UnixMillis, price: bar.low, size: 0 as Bar['volume'] },
    { time: (bar.time * 1000 + 59_999) as UnixMillis, price: bar.close, size: bar.volume },
  ];

  it('add up exactly: a block is its minutes, a minute is its trades', () => {
    fc.assert(
      fc.property(symbols, blockIndex, fc.integer({ min: 0, max: 14 }), (symbol, k, j) => {
        const path = new MarketPath(7, instrument(symbol));
        const block = path.block(k);
        if (!block) return;
        const start = EPOCH + k * BLOCK_MS;
        const minutes = path
          .minutes(k, block)
          .map((bar, i) => ({ time: (start / 1000 + i * 60) as Bar['time'], ...bar }));
        expect(aggregate(minutes.flatMap(asTrades), '15m')).toEqual([{ time: start / 1000, ...block }]);
        const minute = minutes[j] as Bar;
        const events = path.events(k * MINUTES_PER_BLOCK + j, minute);
        expect(events.map((e) => e.time)).toEqual([...events.map((e) => e.time)].sort((a, b) => a - b));
        for (const event of events) {
          expect(event.time).toBeGreaterThanOrEqual(start + j * MINUTE_MS);
          expect(event.time).toBeLessThan(start + (j + 1) * MINUTE_MS);
          expect((event.ask ?? 0) - (event.bid ?? 0)).toBeGreaterThanOrEqual(1);
          expect(event.bid ?? 0).toBeGreaterThan(0);
        }
        expect(aggregate(trades(events), '1m')).toEqual([minute]);
      }),
      { numRuns: 100 },
    );
  });

  it('are the same whatever else was computed before (no hidden state)', () => {
    fc.assert(
      fc.property(symbols, blockIndex, blockIndex, (symbol, k, other) => {
        const fresh = new MarketPath(3, instrument(symbol)).block(k);
        const used = new MarketPath(3, instrument(symbol));
        used.block(other);
        expect(used.block(k)).toEqual(fresh);
      }),
      { numRuns: 200 },
    );
  });

  it('keep every bar in whole positive ticks with high and low around open and close', () => {
    const interval = INTERVAL_SECONDS['15m'];
    expect(interval).toBe(BLOCK_MS / 1000);
    fc.assert(
      fc.property(symbols, blockIndex, (symbol, k) => {
        const block = new MarketPath(5, instrument(symbol)).block(k);
        if (!block) return;
        expect(Number.isInteger(block.open) && block.low > 0 && block.volume > 0).toBe(true);
        expect(block.high).toBeGreaterThanOrEqual(Math.max(block.open, block.close));
        expect(block.low).toBeLessThanOrEqual(Math.min(block.open, block.close));
      }),
    );
  });
});
