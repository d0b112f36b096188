import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalsOf, toLots, toPrice, toQuantity, toTicks } from '../../lib/instrument';
import type { Lots, Ticks } from '../../lib/nominal';
import { CATALOGUE } from '../../server/source/catalogue';

describe('instrument units', () => {
  it.each([
    [0.01, 2],
    [0.0001, 4],
    [0.00001, 5],
    [0.001, 3],
    [0.5, 1],
    [1, 0],
    [25, 0],
    [1000, 0],
  ])('counts the decimals of a step of %s as %i', (step, decimals) => {
    expect(decimalsOf(step)).toBe(decimals);
  });

  it('turns ticks into a decimal price and back without drift, for every catalogue instrument', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CATALOGUE),
        fc.integer({ min: 1, max: 2 ** 40 }),
        (instrument, ticks) => {
          const price = toPrice(ticks as Ticks, instrument);
          expect(toTicks(price, instrument)).toBe(ticks);
          expect(Number(price.toFixed(instrument.precision))).toBe(price);
        },
      ),
    );
  });

  it('turns lots into a quantity and back without drift, for every catalogue instrument', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CATALOGUE), fc.integer({ min: 0, max: 2 ** 40 }), (instrument, lots) => {
        expect(toLots(toQuantity(lots as Lots, instrument), instrument)).toBe(lots);
      }),
    );
  });

  it('rounds a price to the nearest tick', () => {
    const cent = { tickSize: 0.01, precision: 2 };
    expect(toTicks(1.004, cent)).toBe(100);
    expect(toTicks(1.006, cent)).toBe(101);
    expect(toPrice(101 as Ticks, cent)).toBe(1.01);
  });
});
