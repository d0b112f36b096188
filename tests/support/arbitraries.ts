import fc from 'fast-check';
import type { Trade } from '../../lib/candles';
import type { AssetClass, Instrument } from '../../lib/instrument';
import type { Lots, Ticks, UnixMillis } from '../../lib/nominal';

/** Midnight UTC, 2025-01-06: trade times are offsets from it, so day, hour and minute boundaries are near. */
export const BASE_TIME = Date.UTC(2025, 0, 6);

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * A trade time within `spanMs` of BASE_TIME (both sides), biased towards bucket boundaries: exactly on one, or
 * one millisecond before it.
 */
export function tradeTime(spanMs = 3 * DAY): fc.Arbitrary<UnixMillis> {
  const anywhere = fc.integer({ min: -spanMs, max: spanMs });
  const boundary = fc
    .tuple(
      fc.constantFrom(1000, MINUTE, 5 * MINUTE, 15 * MINUTE, 60 * MINUTE, DAY),
      fc.integer({ min: -72, max: 72 }),
      fc.constantFrom(0, -1, 1),
    )
    .map(([size, k, nudge]) => k * size + nudge)
    .filter((offset) => Math.abs(offset) <= spanMs);
  return fc.oneof(anywhere, boundary).map((offset) => (BASE_TIME + offset) as UnixMillis);
}

export const price = (): fc.Arbitrary<Ticks> =>
  fc.integer({ min: 1, max: 10_000_000 }).map((n) => n as Ticks);
export const size = (): fc.Arbitrary<Lots> => fc.integer({ min: 1, max: 100_000 }).map((n) => n as Lots);

export function trade(spanMs?: number): fc.Arbitrary<Trade> {
  return fc.record({ time: tradeTime(spanMs), price: price(), size: size() });
}

/** Trades packed into a short span, so that several share a bucket (and some share a millisecond). */
export function denseTrades(options: { minLength?: number; maxLength?: number } = {}): fc.Arbitrary<Trade[]> {
  return fc.oneof(
    fc.array(trade(2 * MINUTE), { minLength: options.minLength ?? 0, maxLength: options.maxLength ?? 60 }),
    fc.array(trade(), { minLength: options.minLength ?? 0, maxLength: options.maxLength ?? 60 }),
  );
}

/** Made-up instruments for tests that build a market of their own. */
export function testInstruments(symbols: readonly string[], assetClass: AssetClass = 'equity'): Instrument[] {
  return symbols.map((symbol) => ({
    symbol,
    name: `${symbol} test instrument`,
    assetClass,
    tickSize: 0.01,
    precision: 2,
    lotSize: 1,
    sizePrecision: 0,
    currency: 'USD',
  }));
}
