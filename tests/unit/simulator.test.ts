import { describe, expect, it } from 'vitest';
import { INTERVALS, type Interval } from '../../lib/intervals';
import { configWith } from '../../server/config';
import { MarketState } from '../../server/market/market-state';
import { CATALOGUE, type SimulatedInstrument } from '../../server/source/catalogue';
import type { MarketEvent } from '../../server/source/price-source';
import { Simulator } from '../../server/source/simulator';
import { ManualClock } from '../support/manual-clock';

const START = Date.UTC(2025, 0, 6, 14, 30, 0);

function instruments(...symbols: string[]): SimulatedInstrument[] {
  return symbols.map((symbol) => {
    const found = CATALOGUE.find((instrument) => instrument.symbol === symbol);
    if (!found) throw new Error(`${symbol} is not in the catalogue`);
    return found;
  });
}

/** Every event a simulator emits: its history up to START, then `liveMs` of live events on a manual clock. */
function record(seed: number, of: readonly SimulatedInstrument[], liveMs: number) {
  const clock = new ManualClock(START);
  const simulator = new Simulator({ seed, instruments: of, clock });
  const history: MarketEvent[] = [];
  const live: MarketEvent[] = [];
  simulator.backfill((event) => history.push(event), clock.now());
  const stop = simulator.start((event) => live.push(event));
  clock.advance(liveMs);
  stop();
  expect(clock.pendingTimers).toBe(0);
  return { history, live };
}

const bySymbol = (events: readonly MarketEvent[], symbol: string) =>
  events.filter((e) => e.symbol === symbol);

/** Intraday: 500 bars; a year of 1d bars (about 250 trading days), weeks and months. */
const MIN_BARS: Record<Interval, number> = {
  '1s': 500,
  '1m': 500,
  '5m': 500,
  '15m': 500,
  '1h': 500,
  '1d': 250,
  '1w': 52,
  '1M': 12,
};

describe('simulator determinism', () => {
  const few = instruments('AAPL', 'BTC-USD', 'EURUSD');

  it('emits identical history and live events for the same seed and start time', () => {
    expect(record(7, few, 20_000)).toEqual(record(7, few, 20_000));
  });

  it('emits different events for a different seed', () => {
    const a = record(7, few, 20_000);
    const b = record(8, few, 20_000);
    expect(b.live.slice(0, 50)).not.toEqual(a.live.slice(0, 50));
    expect(b.history.slice(-50)).not.toEqual(a.history.slice(-50));
  });

  it('gives a symbol the same events whichever other symbols it trades alongside', () => {
    const alone = record(7, instruments('AAPL'), 20_000);
    const together = record(7, instruments('BTC-USD', 'AAPL', 'EURUSD'), 20_000);
    expect(bySymbol(together.live, 'AAPL')).toEqual(alone.live);
    expect(bySymbol(together.history, 'AAPL')).toEqual(alone.history);
  });
});

describe('simulator realism', () => {
  const mixed = instruments('AAPL', 'COST', 'BTC-USD', 'DOGE-USD', 'EURUSD', 'USDJPY');
  const { history, live } = record(1, mixed, 60_000);

  // Checked with plain predicates and one assertion: history alone is a few hundred thousand events.
  it('quotes a bid below the ask by at least one tick, in positive whole ticks', () => {
    const events = [...history, ...live];
    // The simulator always quotes: a missing bid or ask is as bad as a wrong one.
    const bad = events.filter(
      ({ bid = NaN, ask = NaN }) =>
        !Number.isInteger(bid) || !Number.isInteger(ask) || bid <= 0 || ask - bid < 1,
    );
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('trades whole, positive lots at a whole, positive tick price within the spread', () => {
    const trades = [...history, ...live].filter((event) => event.type === 'trade');
    expect(trades.length).toBeGreaterThan(1000);
    const bad = trades.filter(
      (t) =>
        !Number.isInteger(t.price) ||
        t.price <= 0 ||
        !Number.isInteger(t.size) ||
        t.size < 1 ||
        !(t.price >= (t.bid ?? NaN)) ||
        !(t.price <= (t.ask ?? NaN)),
    );
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('emits both trades and quote-only changes live', () => {
    const kinds = new Set(live.map((event) => event.type));
    expect(kinds).toEqual(new Set(['trade', 'quote']));
  });

  it("keeps each symbol's events in time order, history before live, all history before the start", () => {
    expect(history.every((event) => event.time < START)).toBe(true);
    expect(live.every((event) => event.time >= START && event.time <= START + 60_000)).toBe(true);
    for (const { symbol } of mixed) {
      const times = bySymbol([...history, ...live], symbol).map((event) => event.time);
      expect(times.every((time, i) => i === 0 || time >= (times[i - 1] as number))).toBe(true);
    }
  });

  it('spaces arrivals irregularly, at a rate near each symbol’s mean', () => {
    for (const instrument of mixed) {
      const times = bySymbol(live, instrument.symbol).map((event) => event.time);
      const gaps = times.slice(1).map((time, i) => time - (times[i] as number));
      expect(new Set(gaps).size, instrument.symbol).toBeGreaterThan(gaps.length / 3);
      // A minute of a Poisson stream: comfortably within a factor of two of the configured mean.
      expect(times.length, instrument.symbol).toBeGreaterThan(instrument.eventsPerSecond * 30);
      expect(times.length, instrument.symbol).toBeLessThan(instrument.eventsPerSecond * 120);
    }
  });

  it('does not tick every symbol at the same instants', () => {
    const instants = mixed.map(({ symbol }) => new Set(bySymbol(live, symbol).map((event) => event.time)));
    for (let i = 0; i < instants.length; i++) {
      for (let j = i + 1; j < instants.length; j++) {
        const a = instants[i] as Set<number>;
        const b = instants[j] as Set<number>;
        const shared = [...a].filter((time) => b.has(time)).length;
        expect(shared).toBeLessThan(Math.min(a.size, b.size) / 4);
      }
    }
  });
});

describe('simulator history', () => {
  it('gives every symbol 500 intraday bars and a year of days, weeks and months after backfill, ending at the start', () => {
    const clock = new ManualClock(START);
    const simulator = new Simulator({ seed: 1, instruments: CATALOGUE, clock });
    const market = new MarketState(simulator.instruments, configWith({}).HISTORY_BARS);
    simulator.backfill((event) => market.apply(event), clock.now());
    for (const { symbol } of CATALOGUE) {
      expect(market.quote(symbol), symbol).toBeDefined();
      for (const interval of INTERVALS) {
        const bars = market.bars(symbol, interval, 100_000);
        expect(bars.length, `${symbol} ${interval}`).toBeGreaterThanOrEqual(MIN_BARS[interval]);
        expect((bars.at(-1)?.time ?? 0) * 1000, `${symbol} ${interval}`).toBeLessThan(START);
      }
      // The tick-by-tick history runs right up to the start: the newest 1s bar is from the last minute.
      expect((market.bars(symbol, '1s', 1)[0]?.time ?? 0) * 1000, symbol).toBeGreaterThan(START - 60_000);
    }
  });
});
