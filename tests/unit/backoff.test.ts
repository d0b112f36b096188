import { describe, expect, it } from 'vitest';
import { createBackoff } from '../../server/source/relay/backoff';

describe('reconnection backoff', () => {
  it('doubles its cap from 0.5 s to at most 30 s, and draws each delay uniformly below the cap (full jitter)', () => {
    const top = createBackoff({ random: () => 0.999999 });
    const caps = Array.from({ length: 10 }, () => top.next() + 1);
    expect(caps).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]);
    const bottom = createBackoff({ random: () => 0 });
    expect(Array.from({ length: 5 }, () => bottom.next())).toEqual([0, 0, 0, 0, 0]);
    const half = createBackoff({ random: () => 0.5 });
    expect([half.next(), half.next(), half.next()]).toEqual([250, 500, 1000]);
  });

  it('starts from the minimum again after a success', () => {
    const backoff = createBackoff({ random: () => 0.5 });
    backoff.next();
    backoff.next();
    backoff.reset();
    expect(backoff.next()).toBe(250);
  });
});
