import { describe, expect, it } from 'vitest';
import type { Lots, Ticks, UnixMillis, UnixSeconds } from '../../lib/nominal';
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

  it("roll a source's day bars up into weeks and months when it sends none of its own", () => {
    const market = new MarketState(testInstruments(['AAA'], 'crypto'), 100);
    const day = (month: number, date: number, [open, high, low, close, volume]: number[]) => ({
      time: (Date.UTC(2025, month - 1, date) / 1000) as UnixSeconds,
      open: open as Ticks,
      high: high as Ticks,
      low: low as Ticks,
      close: close as Ticks,
      volume: volume as Lots,
    });
    // Friday 28 February to Tuesday 4 March 2025: two weeks (from Monday 24 February and 3 March), two months.
    const days = [
      day(2, 28, [10, 12, 9, 11, 1]),
      day(3, 1, [11, 15, 10, 14, 2]),
      day(3, 3, [14, 14, 8, 9, 3]),
      day(3, 4, [9, 10, 7, 10, 4]),
    ];
    market.apply({ type: 'bars', symbol: 'AAA', interval: '1d', bars: days });
    expect(market.bars('AAA', '1w', 10)).toEqual([
      { time: Date.UTC(2025, 1, 24) / 1000, open: 10, high: 15, low: 9, close: 14, volume: 3 },
      { time: Date.UTC(2025, 2, 3) / 1000, open: 14, high: 14, low: 7, close: 10, volume: 7 },
    ]);
    expect(market.bars('AAA', '1M', 10)).toEqual([
      { time: Date.UTC(2025, 1, 1) / 1000, open: 10, high: 12, low: 9, close: 11, volume: 1 },
      { time: Date.UTC(2025, 2, 1) / 1000, open: 11, high: 15, low: 7, close: 10, volume: 9 },
    ]);
    // A source that sends its own weeks keeps them.
    market.apply({
      type: 'bars',
      symbol: 'AAA',
      interval: '1w',
      bars: [day(3, 3, [14, 14, 7, 10, 7])],
    });
    market.apply({ type: 'bars', symbol: 'AAA', interval: '1d', bars: [day(3, 4, [9, 20, 7, 10, 4])] });
    expect(market.bars('AAA', '1w', 10)[1]).toMatchObject({ high: 14, volume: 7 });
    expect(market.bars('AAA', '1M', 10)[1]).toMatchObject({ high: 20 });
  });

  it('ignore events of unknown symbols', () => {
    const market = new MarketState(testInstruments(['AAA'], 'crypto'), 100);
    market.apply({ ...trade(MIDNIGHT, 100), symbol: 'ZZZ' });
    expect(market.has('ZZZ')).toBe(false);
    expect(market.quote('ZZZ')).toBeUndefined();
    expect(market.bars('ZZZ', '1m', 10)).toEqual([]);
  });
});
