import type { Bar } from './candles';
import { toLots, toPrice, toQuantity, toTicks, type Instrument } from './instrument';
import type { UnixMillis, UnixSeconds } from './nominal';
import type { ApiBar } from './protocol';
import { quoteChange, quoteChangePercent, type Quote } from './quote';

/** A quote's prices in the instrument's currency and its volume in its quantity. */
export interface DecimalPrices {
  last: number;
  bid: number;
  ask: number;
  open: number;
  high: number;
  low: number;
  prevClose: number;
  volume: number;
}

/**
 * A quote in decimals: prices in the instrument's currency, volume in its quantity, change and change % since the
 * previous close. What `GET /api/quotes` serves and what the client library hands its listeners beside the ticks.
 */
export interface DecimalQuote extends DecimalPrices {
  change: number;
  /** Percent of the previous close, rounded to 4 decimals. */
  changePercent: number;
  /** Time of the last change, unix ms. */
  time: UnixMillis;
}

export function decimalPrices(quote: Quote, instrument: Instrument): DecimalPrices {
  return {
    last: toPrice(quote.last, instrument),
    bid: toPrice(quote.bid, instrument),
    ask: toPrice(quote.ask, instrument),
    open: toPrice(quote.open, instrument),
    high: toPrice(quote.high, instrument),
    low: toPrice(quote.low, instrument),
    prevClose: toPrice(quote.prevClose, instrument),
    volume: toQuantity(quote.volume, instrument),
  };
}

export function decimalQuote(quote: Quote, instrument: Instrument): DecimalQuote {
  return {
    ...decimalPrices(quote, instrument),
    change: toPrice(quoteChange(quote), instrument),
    changePercent: Number(quoteChangePercent(quote).toFixed(4)),
    time: quote.time,
  };
}

/** A bar in decimals, as `GET /api/candles` serves it. */
export function decimalBar(bar: Bar, instrument: Instrument): ApiBar {
  return {
    time: bar.time,
    open: toPrice(bar.open, instrument),
    high: toPrice(bar.high, instrument),
    low: toPrice(bar.low, instrument),
    close: toPrice(bar.close, instrument),
    volume: toQuantity(bar.volume, instrument),
  };
}

/** A bar from `GET /api/candles` back in ticks and lots. */
export function barFromDecimal(bar: ApiBar, instrument: Instrument): Bar {
  return {
    time: bar.time as UnixSeconds,
    open: toTicks(bar.open, instrument),
    high: toTicks(bar.high, instrument),
    low: toTicks(bar.low, instrument),
    close: toTicks(bar.close, instrument),
    volume: toLots(bar.volume, instrument),
  };
}
