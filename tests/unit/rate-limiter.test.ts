import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../server/socket/rate-limiter';

const takeMany = (bucket: TokenBucket, count: number, now: number) =>
  Array.from({ length: count }, () => bucket.take(now)).filter(Boolean).length;

describe('token bucket', () => {
  it('allows a full burst at once, then refuses', () => {
    const bucket = new TokenBucket(20, 40, 0);
    expect(takeMany(bucket, 40, 0)).toBe(40);
    expect(bucket.take(0)).toBe(false);
  });

  it('refills at its rate: one token per 1/rate seconds', () => {
    const bucket = new TokenBucket(20, 40, 0);
    takeMany(bucket, 40, 0);
    expect(bucket.take(49)).toBe(false);
    expect(bucket.take(50)).toBe(true);
    expect(bucket.take(50)).toBe(false);
    expect(takeMany(bucket, 10, 150)).toBe(2);
  });

  it('never holds more than the burst, however long it rests', () => {
    const bucket = new TokenBucket(20, 40, 0);
    takeMany(bucket, 40, 0);
    expect(takeMany(bucket, 100, 3_600_000)).toBe(40);
  });

  it('sustains exactly its rate indefinitely', () => {
    const bucket = new TokenBucket(20, 40, 0);
    takeMany(bucket, 40, 0);
    let granted = 0;
    for (let t = 50; t <= 10_000; t += 50) granted += takeMany(bucket, 3, t);
    // 10 s at 20 a second, the rest refused.
    expect(granted).toBe(200);
  });

  it('does not go negative from refused requests', () => {
    const bucket = new TokenBucket(1, 1, 0);
    expect(bucket.take(0)).toBe(true);
    for (let i = 0; i < 100; i++) bucket.take(0);
    expect(bucket.take(1000)).toBe(true);
  });
});
