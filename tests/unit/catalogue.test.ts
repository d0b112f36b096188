import { describe, expect, it } from 'vitest';
import { decimalsOf, toPrice, toTicks } from '../../lib/instrument';
import { CATALOGUE, publicInstrument } from '../../server/source/catalogue';

describe('catalogue', () => {
  it('lists at least 40 instruments, each symbol once', () => {
    expect(CATALOGUE.length).toBeGreaterThanOrEqual(40);
    expect(new Set(CATALOGUE.map((i) => i.symbol)).size).toBe(CATALOGUE.length);
  });

  it('spans equities, crypto and FX, several of each', () => {
    for (const assetClass of ['equity', 'crypto', 'fx'] as const) {
      expect(CATALOGUE.filter((i) => i.assetClass === assetClass).length, assetClass).toBeGreaterThanOrEqual(
        5,
      );
    }
  });

  it('gives every instrument a tick size, lot size and precisions that agree with each other', () => {
    for (const i of CATALOGUE) {
      expect(i.tickSize, i.symbol).toBeGreaterThan(0);
      expect(i.lotSize, i.symbol).toBeGreaterThan(0);
      expect(i.precision, i.symbol).toBe(decimalsOf(i.tickSize));
      expect(i.sizePrecision, i.symbol).toBe(decimalsOf(i.lotSize));
      expect(i.currency, i.symbol).toMatch(/^[A-Z]{3}$/);
    }
  });

  it('gives the simulator sane parameters: a positive price on the tick grid, spread, volatility, activity', () => {
    for (const i of CATALOGUE) {
      const ticks = toTicks(i.referencePrice, i);
      expect(ticks, i.symbol).toBeGreaterThan(i.spreadTicks);
      expect(Math.abs(toPrice(ticks, i) - i.referencePrice), i.symbol).toBeLessThanOrEqual(i.tickSize / 2);
      expect(i.spreadTicks, i.symbol).toBeGreaterThanOrEqual(1);
      expect(i.volatility, i.symbol).toBeGreaterThan(0);
      expect(i.eventsPerSecond, i.symbol).toBeGreaterThan(0);
      expect(i.tradeLots, i.symbol).toBeGreaterThanOrEqual(1);
    }
  });

  it('publishes only what a client needs to show an instrument', () => {
    const [first] = CATALOGUE;
    expect(first && Object.keys(publicInstrument(first)).sort()).toEqual(
      [
        'assetClass',
        'currency',
        'lotSize',
        'name',
        'precision',
        'sizePrecision',
        'symbol',
        'tickSize',
      ].sort(),
    );
  });
});
