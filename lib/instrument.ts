import type { Lots, Ticks } from './nominal';

export type AssetClass = 'equity' | 'crypto' | 'fx';

/** What a client needs to know of an instrument to show its prices and sizes. */
export interface Instrument {
  symbol: string;
  name: string;
  assetClass: AssetClass;
  /** Smallest price increment, as a decimal. Prices travel as integer multiples of it. */
  tickSize: number;
  /** Decimal places to show a price with. */
  precision: number;
  /** Smallest quantity increment. Volumes travel as integer multiples of it. */
  lotSize: number;
  /** Decimal places to show a quantity with. */
  sizePrecision: number;
  /** The quote currency: prices are in it. */
  currency: string;
  /** What a quantity counts, where it is a currency (BTC in BTC/USDT). */
  baseCurrency?: string | undefined;
}

type Scaled = Pick<Instrument, 'tickSize' | 'precision'>;
type Sized = Pick<Instrument, 'lotSize' | 'sizePrecision'>;

function round(value: number, decimals: number): number {
  return Number(value.toFixed(decimals));
}

/** A tick count as a decimal price, rounded to the instrument's precision so that it round-trips exactly. */
export function toPrice(value: Ticks, instrument: Scaled): number {
  return round(value * instrument.tickSize, instrument.precision);
}

export function toTicks(price: number, instrument: Scaled): Ticks {
  return Math.round(price / instrument.tickSize) as Ticks;
}

export function toQuantity(value: Lots, instrument: Sized): number {
  return round(value * instrument.lotSize, instrument.sizePrecision);
}

export function toLots(quantity: number, instrument: Sized): Lots {
  return Math.round(quantity / instrument.lotSize) as Lots;
}

/** Decimal places of a step such as 0.001 (3) or 25 (0). */
export function decimalsOf(step: number): number {
  const text = step.toExponential();
  const [mantissa = '', exponent = '0'] = text.split('e');
  const fraction = mantissa.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent));
}
