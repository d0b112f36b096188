import type { Bar } from '../../../lib/candles';
import { unitsOf } from '../../../lib/decimal';
import type { Lots, Ticks, UnixMillis } from '../../../lib/nominal';
import type { QuoteEvent, TradeEvent } from '../price-source';
import type { VenueBar, VenueInstrument, VenueMessage } from './venue';

/**
 * A venue's decimals in the instrument's ticks and lots. Each answers undefined for what is off the tick or lot
 * grid (or not positive, for prices): the relay refuses it and logs it.
 */

/** The quote event of a venue's quote; its time is `now` where the venue gives none. */
export function quoteInUnits(
  carried: { symbol: string; venue: VenueInstrument },
  message: Extract<VenueMessage, { kind: 'quote' }>,
  now: UnixMillis,
): QuoteEvent | undefined {
  const { tickStep, lotStep } = carried.venue;
  const bid = unitsOf(message.bid, tickStep);
  const ask = unitsOf(message.ask, tickStep);
  if (bid === undefined || ask === undefined || bid <= 0 || ask <= 0) return undefined;
  const bidSize = message.bidSize === undefined ? undefined : unitsOf(message.bidSize, lotStep);
  const askSize = message.askSize === undefined ? undefined : unitsOf(message.askSize, lotStep);
  return {
    type: 'quote',
    symbol: carried.symbol,
    time: (message.time ?? now) as UnixMillis,
    bid: bid as Ticks,
    ask: ask as Ticks,
    bidSize: bidSize as Lots | undefined,
    askSize: askSize as Lots | undefined,
  };
}

/** The trade event of a venue's trade. */
export function tradeInUnits(
  carried: { symbol: string; venue: VenueInstrument },
  message: Extract<VenueMessage, { kind: 'trade' }>,
): TradeEvent | undefined {
  const { tickStep, lotStep } = carried.venue;
  const price = unitsOf(message.price, tickStep);
  const size = unitsOf(message.size, lotStep);
  if (price === undefined || size === undefined || price <= 0) return undefined;
  return {
    type: 'trade',
    symbol: carried.symbol,
    time: message.time as UnixMillis,
    price: price as Ticks,
    size: size as Lots,
    side: message.side,
    tradeId: message.tradeId,
  };
}

/** A venue's bar in ticks and lots. */
export function barInUnits(bar: VenueBar, venue: VenueInstrument): Bar | undefined {
  const { tickStep, lotStep } = venue;
  const open = unitsOf(bar.open, tickStep);
  const high = unitsOf(bar.high, tickStep);
  const low = unitsOf(bar.low, tickStep);
  const close = unitsOf(bar.close, tickStep);
  const volume = unitsOf(bar.volume, lotStep);
  if (
    open === undefined ||
    high === undefined ||
    low === undefined ||
    close === undefined ||
    volume === undefined
  ) {
    return undefined;
  }
  return {
    time: bar.time,
    open: open as Ticks,
    high: high as Ticks,
    low: low as Ticks,
    close: close as Ticks,
    volume: volume as Lots,
  };
}
