import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregate } from '../../lib/candles';
import { INTERVALS } from '../../lib/intervals';
import type { Lots, Ticks, UnixMillis } from '../../lib/nominal';
import { MarketState } from '../../server/market/market-state';
import type { TradeEvent } from '../../server/source/price-source';
import { TradeIntake } from '../../server/source/relay/trade-intake';
import { BASE_TIME, testInstruments } from '../support/arbitraries';

const GRACE_MS = 2000;

/** A venue's tape: numbered trades, times ascending (several may share a millisecond), near bucket boundaries. */
const tape = fc
  .array(
    fc.record({
      gap: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 100, max: 3000 })),
      price: fc.integer({ min: 9_990, max: 10_010 }),
      size: fc.integer({ min: 1, max: 500 }),
    }),
    { minLength: 1, maxLength: 120 },
  )
  .map((rows) => {
    let time = BASE_TIME - 30_000;
    return rows.map(({ gap, price, size }, i): TradeEvent => {
      time += gap;
      return {
        type: 'trade',
        symbol: 'AAA',
        time: time as UnixMillis,
        price: price as Ticks,
        size: size as Lots,
        tradeId: 5000 + i,
      };
    });
  });

/**
 * An arrival order within the grace window: each trade is delayed by less than it, so none arrives after a trade
 * more than the window newer; some arrive twice.
 */
const arrivals = (trades: readonly TradeEvent[]) =>
  fc
    .tuple(
      fc.array(fc.integer({ min: 0, max: GRACE_MS - 1 }), {
        minLength: trades.length,
        maxLength: trades.length,
      }),
      fc.array(fc.tuple(fc.nat(trades.length - 1), fc.integer({ min: 0, max: GRACE_MS - 1 })), {
        maxLength: 20,
      }),
    )
    .map(([delays, repeats]) => {
      const sent = trades.map((trade, i) => ({ trade, at: trade.time + (delays[i] ?? 0) }));
      for (const [i, delay] of repeats) {
        const trade = trades[i] as TradeEvent;
        sent.push({ trade: { ...trade }, at: trade.time + delay });
      }
      return sent.sort((a, b) => a.at - b.at).map(({ trade }) => trade);
    });

function barsAfter(arrived: readonly TradeEvent[]) {
  // Crypto: every interval, the calendar ones included, holds every trade.
  const market = new MarketState(
    testInstruments(['AAA']).map((instrument) => ({ ...instrument, assetClass: 'crypto' as const })),
    1000,
  );
  const intake = new TradeIntake(GRACE_MS);
  for (const trade of arrived) {
    if (intake.accept(trade, trade.time) === 'accepted') market.apply(trade);
  }
  return INTERVALS.map((interval) => market.bars('AAA', interval, 1000));
}

describe('trades that arrive late or twice, inside the grace window', () => {
  it('give the same bars at every interval whatever their order, equal to the tape aggregated', () => {
    fc.assert(
      fc.property(
        tape.chain((trades) => fc.tuple(fc.constant(trades), arrivals(trades))),
        ([trades, arrived]) => {
          const expected = INTERVALS.map((interval) => aggregate(trades, interval));
          expect(barsAfter(arrived)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
