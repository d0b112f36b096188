import { describe, expect, it } from 'vitest';
import { createBarNeeds } from '../../components/bar-needs';
import { streamKey } from '../../lib/chart-bars';

const aapl = streamKey({ symbol: 'AAPL', interval: '1m' });
const msft = streamKey({ symbol: 'MSFT', interval: '1m' });

describe("the layout's bar needs", () => {
  it('let a stream keep the most any of its charts needs, and nothing go while one of them looks back', () => {
    const needs = createBarNeeds();
    needs.set(0, aapl, 500);
    needs.set(1, aapl, 800);
    needs.set(2, msft, 2000);
    expect(needs.keepOf(aapl)).toBe(800);
    needs.set(1, aapl, undefined);
    expect(needs.keepOf(aapl)).toBeUndefined();
    expect(needs.keepOf(msft)).toBe(2000);
    // The chart looking back switches to another stream, then goes.
    needs.set(1, msft, 600);
    expect(needs.keepOf(aapl)).toBe(500);
    expect(needs.keepOf(msft)).toBe(2000);
    needs.remove(2);
    expect(needs.keepOf(msft)).toBe(600);
  });
});
