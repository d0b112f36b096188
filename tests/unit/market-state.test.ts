import { describe, expect, it } from 'vitest';
import type { Lots, Ticks, UnixMillis } from '../../lib/nominal';
import { MarketState } from '../../server/market/market-state';
import { CATALOGUE } from '../../server/source/catalogue';
import type { QuoteEvent, TradeEvent } from '../../server/source/price-source';
import { Simulator } from '../../server/source/simulator';
import { testInstruments } from '../support/arbitraries';
import { ManualClock } from '../support/manual-clock';

const DAY_MS = 86_400_000;
const MIDNIGHT = Date.UTC(2025, 0, 7);

/** The quote's day fields next to those of the day bars they must come from. */
function dayView(market: MarketState, symbol: string) {
  const quote = market.quote(symbol);
  const bars = market.bars(symbol, '1d', 2);
  const day = bars.at(-1);
  const previous = bars.length > 1 ? bars[0] : undefined;
  return {
    quote: quote && {
      open: quote.open,
      high: quote.high,
      low: quote.low,
      volume: quote.volume,
      last: quote.last,
      prevClose: quote.prevClose,
    },
    bars: day && {
      open: day.open,
      high: day.high,
      low: day.low,
      volume: day.volume,
      last: day.close,
      prevClose: previous?.close,
    },
  };
}

const trade = (time: number, price: number, size = 1): TradeEvent => ({
  type: 'trade',
  symbol: 'AAA',
  time: time as UnixMillis,
  price: price as Ticks,
  size: size as Lots,
  bid: (price - 1) as Ticks,
  ask: (price + 1) as Ticks,
});

const quoteEvent = (time: number, bid: number, ask: number): QuoteEvent => ({
  type: 'quote',
  symbol: 'AAA',
  time: time as UnixMillis,
  bid: bid as Ticks,
  ask: ask as Ticks,
});

describe('market state quotes', () => {
  it('keep open, high, low, volume and last equal to the current 1d bar and prevClose to the one before, across midnight UTC', () => {
    const clock = new ManualClock(MIDNIGHT - 3 * 60_000);
    const simulator = new Simulator({
      seed: 3,
      // Both trade across midnight UTC; an equity's day is its New York trading day (tested below).
      instruments: CATALOGUE.filter((i) => ['BTC-USD', 'EURUSD'].includes(i.symbol)),
      clock,
    });
    const market = new MarketState(simulator.instruments, 2000);
    simulator.backfill((event) => market.apply(event), clock.now());
    const mismatches: unknown[] = [];
    let checks = 0;
    market.onChange(({ symbol }) => {
      checks++;
      const view = dayView(market, symbol);
      if (JSON.stringify(view.quote) !== JSON.stringify(view.bars)) mismatches.push({ symbol, ...view });
    });
    const daysBefore = market.bars('BTC-USD', '1d', 1)[0]?.time;
    const stop = simulator.start((event) => market.apply(event));
    clock.advance(6 * 60_000);
    stop();

    expect(mismatches.slice(0, 3)).toEqual([]);
    expect(checks).toBeGreaterThan(1000);
    // The run did cross into a new UTC day, whose bar the quotes now follow.
    expect(market.bars('BTC-USD', '1d', 1)[0]?.time).toBe(MIDNIGHT / 1000);
    expect(daysBefore).toBe((MIDNIGHT - DAY_MS) / 1000);
  });

  it('start at the first trade, taking the open as prevClose when there is no earlier day', () => {
    const market = new MarketState(testInstruments(['AAA'], 'crypto'), 100);
    market.apply(quoteEvent(MIDNIGHT, 99, 101));
    expect(market.quote('AAA')).toBeUndefined();
    market.apply(trade(MIDNIGHT + 1000, 100, 3));
    expect(market.quote('AAA')).toEqual({
      last: 100,
      bid: 99,
      ask: 101,
      open: 100,
      high: 100,
      low: 100,
      prevClose: 100,
      volume: 3,
      time: MIDNIGHT + 1000,
    });
  });

  it('move only bid, ask and time on a quote event', () => {
    const market = new MarketState(testInstruments(['AAA'], 'crypto'), 100);
    market.apply(trade(MIDNIGHT + 1000, 100, 3));
    const before = { ...market.quote('AAA') };
    market.apply(quoteEvent(MIDNIGHT + 2000, 97, 104));
    expect(market.quote('AAA')).toEqual({ ...before, bid: 97, ask: 104, time: MIDNIGHT + 2000 });
  });

  it('take prevClose from the previous day once a new day starts', () => {
    const market = new MarketState(testInstruments(['AAA'], 'crypto'), 100);
    market.apply(trade(MIDNIGHT - 5000, 100));
    market.apply(trade(MIDNIGHT - 1000, 110));
    market.apply(trade(MIDNIGHT, 120, 2));
    expect(market.quote('AAA')).toMatchObject({ prevClose: 110, open: 120, last: 120, volume: 2 });
  });

  it('widen the day range with a late trade of today but keep last at the latest trade by time', () => {
    const market = new MarketState(testInstruments(['AAA'], 'crypto'), 100);
    market.apply(trade(MIDNIGHT + 10_000, 100));
    market.apply(trade(MIDNIGHT + 20_000, 101));
    market.apply(trade(MIDNIGHT + 15_000, 130, 4));
    expect(market.quote('AAA')).toMatchObject({
      last: 101,
      high: 130,
      low: 100,
      volume: 6,
      time: MIDNIGHT + 20_000,
    });
    // With no earlier day, prevClose falls back to the day's open.
    expect(dayView(market, 'AAA').quote).toEqual({ ...dayView(market, 'AAA').bars, prevClose: 100 });
  });

  it('leave the quote alone for a late trade of an earlier day, which changes history only', () => {
    const market = new MarketState(testInstruments(['AAA'], 'crypto'), 100);
    market.apply(trade(MIDNIGHT - 2 * DAY_MS + 10_000, 90));
    market.apply(trade(MIDNIGHT, 100));
    const before = { ...market.quote('AAA') };
    market.apply(trade(MIDNIGHT - 2 * DAY_MS + 5000, 70));
    expect(market.quote('AAA')).toEqual(before);
    expect(market.bars('AAA', '1d', 10).map((bar) => bar.low)).toEqual([70, 100]);
  });

  it('tell listeners about every event in order, with its position and the bars a trade touched', () => {
    const market = new MarketState(testInstruments(['AAA'], 'crypto'), 100);
    const seen: [number, string, number | undefined][] = [];
    const start = market.position;
    const stop = market.onChange(({ position, symbol, bars }) =>
      seen.push([position - start, symbol, bars?.filter(Boolean).length]),
    );
    market.apply(trade(MIDNIGHT, 100));
    market.apply(quoteEvent(MIDNIGHT + 1, 99, 101));
    stop();
    market.apply(trade(MIDNIGHT + 2, 100));
    expect(seen).toEqual([
      [1, 'AAA', 8],
      [2, 'AAA', undefined],
    ]);
    expect(market.position).toBe(start + 3);
  });

  it("keep an equity's previous regular close through pre-market, with the day fields standing at it", () => {
    // Monday 6 January 2025, EST: 14:30 UTC is the open, 21:00 UTC the close, 09:00 UTC the next pre-market.
    const market = new MarketState(testInstruments(['AAA']), 100);
    market.apply(trade(Date.UTC(2025, 0, 6, 14, 30), 100, 5));
    market.apply(trade(Date.UTC(2025, 0, 6, 20, 59), 110, 5));
    market.apply(trade(Date.UTC(2025, 0, 7, 9, 0), 120, 7));
    expect(market.quote('AAA')).toMatchObject({
      last: 120,
      prevClose: 110,
      open: 110,
      high: 110,
      low: 110,
      volume: 0,
    });
    market.apply(trade(Date.UTC(2025, 0, 7, 14, 30), 125, 2));
    expect(market.quote('AAA')).toMatchObject({ last: 125, prevClose: 110, open: 125, volume: 2 });
    expect(market.bars('AAA', '1d', 10).map((bar) => bar.time)).toEqual([
      Date.UTC(2025, 0, 6) / 1000,
      Date.UTC(2025, 0, 7) / 1000,
    ]);
  });

  it("move an equity's last price in post-market but leave its day bar to the regular session", () => {
    const market = new MarketState(testInstruments(['AAA']), 100);
    market.apply(trade(Date.UTC(2025, 0, 6, 14, 30), 100, 5));
    market.apply(trade(Date.UTC(2025, 0, 6, 20, 59), 110, 5));
    // 19:30 New York, past midnight UTC.
    market.apply(trade(Date.UTC(2025, 0, 7, 0, 30), 90, 9));
    expect(market.quote('AAA')).toMatchObject({
      last: 90,
      open: 100,
      high: 110,
      low: 100,
      volume: 10,
      prevClose: 100,
    });
    expect(market.bars('AAA', '1d', 10)).toEqual([
      { time: Date.UTC(2025, 0, 6) / 1000, open: 100, high: 110, low: 100, close: 110, volume: 10 },
    ]);
    expect(market.bars('AAA', '1m', 10).map((bar) => bar.close)).toEqual([100, 110, 90]);
  });

  it('ignore events of unknown symbols', () => {
    const market = new MarketState(testInstruments(['AAA'], 'crypto'), 100);
    market.apply({ ...trade(MIDNIGHT, 100), symbol: 'ZZZ' });
    expect(market.has('ZZZ')).toBe(false);
    expect(market.quote('ZZZ')).toBeUndefined();
    expect(market.bars('ZZZ', '1m', 10)).toEqual([]);
  });
});
