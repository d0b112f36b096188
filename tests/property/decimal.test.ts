import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalOf, decimalsOfStep, unitsOf } from '../../lib/decimal';

/** `text` with its fraction padded by zeros to `places` digits (a point added if needed). */
function withPlaces(text: string, places: number): string {
  const [whole, fraction = ''] = text.split('.');
  return places === 0 && fraction === '' ? text : `${whole}.${fraction.padEnd(places, '0')}`;
}

/** Steps as venues write them: '0.01000000', '0.00001', '1.00000000', '5', '25'. */
const step = fc
  .tuple(fc.constantFrom(1, 5, 25), fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 6 }))
  .map(([digit, decimals, padding]) => {
    const text = decimalOf(digit, `1e-${decimals}`);
    return withPlaces(text, (text.split('.')[1]?.length ?? 0) + padding);
  });
const units = fc.integer({ min: 0, max: 2 ** 40 });

describe('decimal strings to integer units', () => {
  it('turns every value on the grid into exactly its count of steps, however it is padded', () => {
    fc.assert(
      fc.property(step, units, fc.integer({ min: 0, max: 4 }), (s, n, pad) => {
        const written = decimalOf(n, s);
        const padded = written.includes('.')
          ? written + '0'.repeat(pad)
          : pad > 0
            ? `${written}.${'0'.repeat(pad)}`
            : written;
        expect(unitsOf(padded, s)).toBe(n);
      }),
    );
  });

  it('refuses a value off the grid instead of rounding it', () => {
    fc.assert(
      fc.property(step, units, fc.integer({ min: 1, max: 9 }), (s, n, extra) => {
        // One more digit than the step has: a price between two ticks.
        const off = `${withPlaces(decimalOf(n, s), decimalsOfStep(s) ?? 0)}${decimalsOfStep(s) === 0 ? '.' : ''}${extra}`;
        expect(unitsOf(off, s)).toBeUndefined();
      }),
    );
  });

  it('reads JSON numbers through their shortest decimal, so on-grid floats are exact', () => {
    expect(unitsOf(String(43210.57), '0.01')).toBe(4321057);
    expect(unitsOf(String(0.1 + 0.2), '0.01')).toBeUndefined();
    expect(unitsOf(String(1e-7), '0.00000001')).toBe(10);
    expect(unitsOf(String(0.07), '0.01')).toBe(7);
    expect(unitsOf('96000.01000000', '0.01000000')).toBe(9600001);
    expect(unitsOf('0.00012000', '0.00001000')).toBe(12);
  });

  it('refuses what is not a plain non-negative decimal', () => {
    for (const bad of ['', '-1', '1,5', 'NaN', 'Infinity', '0x10', '1.2.3', ' 1', '1e999999']) {
      expect(unitsOf(bad, '0.01'), bad).toBeUndefined();
    }
    expect(unitsOf('1', '0')).toBeUndefined();
    expect(unitsOf('99999999999999999999', '1')).toBeUndefined();
  });

  it('counts the decimal places a step needs', () => {
    expect(decimalsOfStep('0.01000000')).toBe(2);
    expect(decimalsOfStep('1.00000000')).toBe(0);
    expect(decimalsOfStep('0.00001')).toBe(5);
    expect(decimalsOfStep('25')).toBe(0);
    expect(decimalsOfStep('1e-8')).toBe(8);
    expect(decimalsOfStep('0')).toBeUndefined();
  });
});
