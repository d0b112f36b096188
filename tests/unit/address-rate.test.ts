import { describe, expect, it } from 'vitest';
import { AddressRate } from '../../server/guard/address-rate';
import { ManualClock } from '../support/manual-clock';

describe('rate per address', () => {
  it('passes a burst, refuses past it with the seconds to wait, and refills at the rate', () => {
    const clock = new ManualClock();
    const rate = new AddressRate({ rate: 2, burst: 4, clock });
    expect([1, 2, 3, 4, 5].map(() => rate.take('a').ok)).toEqual([true, true, true, true, false]);
    expect(rate.take('a')).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(rate.take('b').ok).toBe(true);
    clock.advance(500);
    expect(rate.take('a').ok).toBe(true);
    expect(rate.take('a').ok).toBe(false);
  });

  it('charges a cost, and a cost over the burst as the burst', () => {
    const clock = new ManualClock();
    const rate = new AddressRate({ rate: 100, burst: 1000, clock });
    expect(rate.take('a', 5000).ok).toBe(true);
    expect(rate.take('a', 1)).toEqual({ ok: false, retryAfterSeconds: 1 });
    clock.advance(2000);
    expect(rate.take('a', 500)).toEqual({ ok: false, retryAfterSeconds: 3 });
  });

  it('forgets idle addresses as new ones arrive, so memory follows the active ones', () => {
    const clock = new ManualClock();
    const rate = new AddressRate({ rate: 10, burst: 10, clock });
    for (let i = 0; i < 5000; i++) {
      rate.take(`10.0.${i >> 8}.${i & 255}`);
      clock.advance(10);
    }
    // An address refills in a second: about 100 were active in the last second.
    expect(rate.size).toBeLessThan(2100);
  });
});
