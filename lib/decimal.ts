/**
 * Exact decimal arithmetic on the strings venues send ("43210.57000000", "0.00001000"): a price or quantity becomes
 * an integer count of its instrument's step with integer arithmetic only, never by dividing floats, so a price on
 * the grid always lands on its tick and one off the grid is refused rather than rounded.
 */

/** A non-negative decimal as `digits × 10^exponent`. */
interface Decimal {
  digits: bigint;
  exponent: number;
}

const DECIMAL = /^(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$|^\.(\d+)(?:[eE]([+-]?\d+))?$/;

function parse(text: string): Decimal | undefined {
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  const whole = match[1] ?? '';
  const fraction = match[2] ?? match[4] ?? '';
  const exponent = Number(match[3] ?? match[5] ?? '0');
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 400) return undefined;
  return { digits: BigInt(`${whole}${fraction}` || '0'), exponent: exponent - fraction.length };
}

const TEN = BigInt(10);
const ZERO = BigInt(0);

function pow10(n: number): bigint {
  return TEN ** BigInt(n);
}

/**
 * How many whole `step`s `value` is, exactly: `unitsOf('43210.57', '0.01')` is 4321057. Undefined when `value` is
 * not a plain non-negative decimal (digits, an optional fraction and exponent: what JSON and the venues write), when
 * it is off the step's grid, or when the count is beyond a safe integer. A JSON number is passed as `String(n)`,
 * which is its shortest exact decimal.
 */
export function unitsOf(value: string, step: string): number | undefined {
  const v = parse(value);
  const s = parse(step);
  if (!v || !s || s.digits === ZERO) return undefined;
  const shift = v.exponent - s.exponent;
  const numerator = shift >= 0 ? v.digits * pow10(shift) : v.digits;
  const denominator = shift >= 0 ? s.digits : s.digits * pow10(-shift);
  if (numerator % denominator !== ZERO) return undefined;
  const units = numerator / denominator;
  return units <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(units) : undefined;
}

/** Decimal places a step needs: '0.01000000' → 2, '1.00000000' → 0, '25' → 0, '1e-8' → 8. Undefined if not a step. */
export function decimalsOfStep(step: string): number | undefined {
  const s = parse(step);
  if (!s || s.digits === ZERO) return undefined;
  let { digits, exponent } = s;
  while (digits % TEN === ZERO) {
    digits /= TEN;
    exponent++;
  }
  return Math.max(0, -exponent);
}

/** A step as the number the instrument carries (`tickSize`, `lotSize`): exact for the steps venues use. */
export function stepValue(step: string): number | undefined {
  return decimalsOfStep(step) === undefined ? undefined : Number(step);
}

/** `units × step` written as a plain decimal string: the inverse of `unitsOf`, for fixtures and logs. */
export function decimalOf(units: number, step: string): string {
  const s = parse(step);
  if (!s || !Number.isSafeInteger(units) || units < 0) throw new Error(`cannot write ${units} × ${step}`);
  const digits = BigInt(units) * s.digits;
  if (s.exponent >= 0) return (digits * pow10(s.exponent)).toString();
  const text = digits.toString().padStart(-s.exponent + 1, '0');
  const point = text.length + s.exponent;
  const fraction = text.slice(point).replace(/0+$/, '');
  return fraction ? `${text.slice(0, point)}.${fraction}` : text.slice(0, point);
}
