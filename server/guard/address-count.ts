/** How many of something each address holds, up to a limit. Addresses that hold nothing take no memory. */
export class AddressCount {
  private readonly counts = new Map<string, number>();
  readonly limit: number;

  constructor(limit: number) {
    this.limit = limit;
  }

  /** Counts one more for `address` unless it already holds the limit; returns whether it did. */
  tryAdd(address: string): boolean {
    const held = this.counts.get(address) ?? 0;
    if (held >= this.limit) return false;
    this.counts.set(address, held + 1);
    return true;
  }

  /** Counts one more for `address` whatever it holds (for what was admitted earlier). */
  add(address: string): void {
    this.counts.set(address, (this.counts.get(address) ?? 0) + 1);
  }

  remove(address: string): void {
    const held = this.counts.get(address) ?? 0;
    if (held <= 1) this.counts.delete(address);
    else this.counts.set(address, held - 1);
  }

  count(address: string): number {
    return this.counts.get(address) ?? 0;
  }

  /** Addresses holding anything. */
  get size(): number {
    return this.counts.size;
  }
}
