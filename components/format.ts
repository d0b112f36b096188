import { toPrice, toQuantity, type Instrument } from '../lib/instrument';
import type { Lots, Ticks } from '../lib/nominal';

// One fixed locale: the board is a terminal, its numbers must line up the same for every viewer.
const LOCALE = 'en-US';
const MINUS = '\u2212';

const decimalFormats = new Map<number, Intl.NumberFormat>();

function decimals(places: number): Intl.NumberFormat {
  let format = decimalFormats.get(places);
  if (!format) {
    format = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: places, maximumFractionDigits: places });
    decimalFormats.set(places, format);
  }
  return format;
}

const compact = new Intl.NumberFormat(LOCALE, { notation: 'compact', maximumFractionDigits: 1 });
const compactPrecise = new Intl.NumberFormat(LOCALE, { notation: 'compact', maximumFractionDigits: 2 });

/** A decimal price with the instrument's precision, e.g. `97,250.00`. */
export function formatDecimal(price: number, instrument: Pick<Instrument, 'precision'>): string {
  return decimals(instrument.precision).format(price).replace('-', MINUS);
}

/** A price in ticks with the instrument's precision. */
export function formatPrice(value: Ticks, instrument: Instrument): string {
  return formatDecimal(toPrice(value, instrument), instrument);
}

/** A signed price change in ticks, e.g. `+1.25` or `−0.40`. */
export function formatChange(value: Ticks, instrument: Instrument): string {
  const text = formatDecimal(Math.abs(toPrice(value, instrument)), instrument);
  return value > 0 ? `+${text}` : value < 0 ? `${MINUS}${text}` : text;
}

/** A signed percentage with two decimals, e.g. `+0.54%`. */
export function formatPercent(value: number): string {
  const text = `${decimals(2).format(Math.abs(value))}%`;
  return value > 0 ? `+${text}` : value < 0 ? `${MINUS}${text}` : text;
}

/** A quantity as a decimal, compactly: `27.8M`, `1.2K`, `0.35`. */
export function formatQuantity(quantity: number): string {
  return quantity !== 0 && Math.abs(quantity) < 1000
    ? compactPrecise.format(quantity)
    : compact.format(quantity);
}

/** A volume in lots, compactly. */
export function formatVolume(value: Lots, instrument: Instrument): string {
  return formatQuantity(toQuantity(value, instrument));
}

export type Direction = 'up' | 'down' | 'flat';

export function directionOf(value: number): Direction {
  return value > 0 ? 'up' : value < 0 ? 'down' : 'flat';
}

/** The arrow that says what the colour says, for readers who cannot tell the colours apart. */
export function arrowOf(direction: Direction): string {
  return direction === 'up' ? '▲' : direction === 'down' ? '▼' : '';
}
