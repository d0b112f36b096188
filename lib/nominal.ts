declare const nominal: unique symbol;

/**
 * A number (or other primitive) tagged with a unit, so that values which must not mix (seconds and
 * milliseconds, price ticks and decimal prices) are distinct types at compile time and free at run time.
 */
export type Nominal<T, Name extends string> = T & { readonly [nominal]: Name };

/** Unix time in whole seconds (candle bucket starts). */
export type UnixSeconds = Nominal<number, 'UnixSeconds'>;
/** Unix time in milliseconds (tick and frame times). */
export type UnixMillis = Nominal<number, 'UnixMillis'>;
/** A price as an integer count of the instrument's tick size. */
export type Ticks = Nominal<number, 'Ticks'>;
/** A quantity as an integer count of the instrument's lot size. */
export type Lots = Nominal<number, 'Lots'>;

export const unixSeconds = (n: number) => n as UnixSeconds;
export const unixMillis = (n: number) => n as UnixMillis;
export const ticks = (n: number) => n as Ticks;
export const lots = (n: number) => n as Lots;
