/**
 * A log-linear histogram of non-negative integers (latencies in microseconds): exact below 128, then 64 buckets
 * per power of two, so any quantile is within 1.6% of the true value up to about 35 minutes. Small enough to
 * send over IPC as its non-empty buckets, and mergeable by adding counts.
 */
const SUB_BITS = 7;
const LINEAR = 1 << SUB_BITS;
const HALF = LINEAR >> 1;
const MAX_VALUE = 2 ** 31 - 1;
const BUCKETS = LINEAR + (31 - SUB_BITS) * HALF;

/** Non-empty buckets as `[index, count]` pairs. */
export type HistogramData = [index: number, count: number][];

function indexOf(value: number): number {
  const v = Math.min(MAX_VALUE, Math.max(0, Math.round(value)));
  if (v < LINEAR) return v;
  const shift = 31 - Math.clz32(v) - (SUB_BITS - 1);
  return LINEAR + (shift - 1) * HALF + ((v >>> shift) - HALF);
}

/** The middle of a bucket's range. */
function valueOf(index: number): number {
  if (index < LINEAR) return index;
  const shift = Math.floor((index - LINEAR) / HALF) + 1;
  const low = (((index - LINEAR) % HALF) + HALF) * 2 ** shift;
  return low + (2 ** shift - 1) / 2;
}

export class Histogram {
  private readonly counts = new Float64Array(BUCKETS);
  count = 0;

  record(value: number): void {
    const index = indexOf(value);
    this.counts[index] = (this.counts[index] ?? 0) + 1;
    this.count++;
  }

  merge(data: HistogramData): void {
    for (const [index, count] of data) {
      this.counts[index] = (this.counts[index] ?? 0) + count;
      this.count += count;
    }
  }

  /** The value below which `q` (0..1) of the recorded values lie; NaN when empty. */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= rank) return valueOf(i);
    }
    return valueOf(BUCKETS - 1);
  }

  toData(): HistogramData {
    const data: HistogramData = [];
    this.counts.forEach((count, index) => {
      if (count > 0) data.push([index, count]);
    });
    return data;
  }

  static from(...parts: readonly HistogramData[]): Histogram {
    const histogram = new Histogram();
    for (const part of parts) histogram.merge(part);
    return histogram;
  }
}
