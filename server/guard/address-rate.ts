import type { Clock } from '../clock';

export type RateVerdict = { ok: true } | { ok: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updated: number;
}

export interface AddressRateOptions {
  /** Tokens a second each address earns. */
  rate: number;
  /** Tokens an address may hold (its burst). */
  burst: number;
  clock: Clock;
}

/** Addresses tracked before full buckets (idle addresses) are swept. */
const SWEEP_FLOOR = 1024;

/**
 * A token bucket per address. An address that has been idle long enough to refill is the same as a new one, so
 * such entries are swept when the map grows: memory follows the addresses active in the last `burst / rate`
 * seconds, not every address ever seen.
 */
export class AddressRate {
  private readonly buckets = new Map<string, Bucket>();
  private readonly rate: number;
  private readonly burst: number;
  private readonly clock: Clock;
  private sweepAt = SWEEP_FLOOR;

  constructor({ rate, burst, clock }: AddressRateOptions) {
    this.rate = rate;
    this.burst = burst;
    this.clock = clock;
  }

  /**
   * Takes `cost` tokens from `address`'s bucket (a cost over the burst is charged as the burst, so it passes when
   * the bucket is full); refused, says how many whole seconds until it would pass.
   */
  take(address: string, cost = 1): RateVerdict {
    const now = this.clock.now();
    const charge = Math.min(cost, this.burst);
    const bucket = this.buckets.get(address) ?? this.add(address, now);
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.updated) / 1000) * this.rate);
    bucket.updated = now;
    if (bucket.tokens >= charge) {
      bucket.tokens -= charge;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((charge - bucket.tokens) / this.rate)) };
  }

  /** Addresses tracked now. */
  get size(): number {
    return this.buckets.size;
  }

  private add(address: string, now: number): Bucket {
    if (this.buckets.size >= this.sweepAt) this.sweep(now);
    const bucket = { tokens: this.burst, updated: now };
    this.buckets.set(address, bucket);
    return bucket;
  }

  private sweep(now: number): void {
    for (const [address, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.updated) / 1000) * this.rate >= this.burst)
        this.buckets.delete(address);
    }
    this.sweepAt = Math.max(SWEEP_FLOOR, this.buckets.size * 2);
  }
}
