import { decode, encode } from '@msgpack/msgpack';
import type { BarState } from '../../lib/candles';
import type { ListedInstrument } from '../../lib/protocol';
import { quoteFromSnapshot, snapshotValues, type Quote } from '../../lib/quote';
import type { MarketCheckpoint } from './market-book';
import type { MarketChange } from './market-view';

/**
 * Market changes and checkpoints as bytes (MessagePack), for the Redis stream between ingest and gateways.
 * A change is `[position, symbol, quote values | null, bars | null, listing?]`, a quote's values in `QUOTE_FIELDS` order and
 * each bar `[time, open, high, low, close, volume, openTime, closeTime]`, then `openId, closeId` where the venue
 * numbers its trades: the whole bar state, so a replica's bars equal the market's field for field.
 */
type BarRow =
  | [number, number, number, number, number, number, number, number]
  | [number, number, number, number, number, number, number, number, number | null, number | null];
type ChangeRow =
  | [number, string, number[] | null, (BarRow | null)[] | null]
  | [number, string, number[] | null, null, ListedInstrument];

interface CheckpointRow {
  position: number;
  historyBars: number;
  symbols: {
    listing: ListedInstrument;
    quote: number[] | null;
    bars: Uint8Array[];
    tradeIds?: (Uint8Array | null)[];
  }[];
}

function barRow(bar: Readonly<BarState>): BarRow {
  const row = [
    bar.time,
    bar.open,
    bar.high,
    bar.low,
    bar.close,
    bar.volume,
    bar.openTime,
    bar.closeTime,
  ] as const;
  if (bar.openId === undefined && bar.closeId === undefined) return [...row];
  return [...row, bar.openId ?? null, bar.closeId ?? null];
}

function barOf(row: BarRow): BarState {
  const [time, open, high, low, close, volume, openTime, closeTime, openId, closeId] = row;
  return {
    time,
    open,
    high,
    low,
    close,
    volume,
    openTime,
    closeTime,
    openId: openId ?? undefined,
    closeId: closeId ?? undefined,
  } as BarState;
}

function quoteOf(values: readonly number[] | null): Quote | undefined {
  if (values === null) return undefined;
  const quote = quoteFromSnapshot(values);
  if (!quote) throw new Error('a change holds a malformed quote');
  return quote;
}

/** A change as plain arrays: copies the values, so the change may be a live one. */
export function changeRow(change: MarketChange): ChangeRow {
  const quote = change.quote ? snapshotValues(change.quote) : null;
  if (change.listing) return [change.position, change.symbol, quote, null, { ...change.listing }];
  return [
    change.position,
    change.symbol,
    quote,
    change.bars ? change.bars.map((bar) => (bar ? barRow(bar) : null)) : null,
  ];
}

export function changeFromRow(row: ChangeRow): MarketChange {
  const [position, symbol, quote, bars, listing] = row;
  return {
    position,
    symbol,
    quote: quoteOf(quote),
    bars: bars ? bars.map((bar) => (bar ? barOf(bar) : undefined)) : undefined,
    ...(listing ? { listing } : {}),
  };
}

/** Several changes, in order, as one message. */
export function encodeChanges(rows: readonly ChangeRow[]): Uint8Array {
  return encode(rows);
}

export function decodeChanges(bytes: Uint8Array): MarketChange[] {
  return (decode(bytes) as ChangeRow[]).map(changeFromRow);
}

/** Raw float64s (little-endian, as every platform Node runs on): copied, not encoded number by number. */
const bytesOf = (floats: Float64Array) => new Uint8Array(floats.buffer, floats.byteOffset, floats.byteLength);

/** Copied into a buffer of its own: the decoded bytes need not sit on an 8-byte boundary. */
function floatsOf(raw: Uint8Array): Float64Array {
  const copy = new Uint8Array(raw.byteLength);
  copy.set(raw);
  return new Float64Array(copy.buffer);
}

function checkpointRow(checkpoint: MarketCheckpoint): CheckpointRow {
  return {
    position: checkpoint.position,
    historyBars: checkpoint.historyBars,
    symbols: checkpoint.symbols.map((saved) => ({
      listing: saved.listing,
      quote: saved.quote ? snapshotValues(saved.quote) : null,
      bars: saved.bars.map(bytesOf),
      ...(saved.tradeIds ? { tradeIds: saved.tradeIds.map((ids) => ids && bytesOf(ids)) } : {}),
    })),
  };
}

function checkpointOf(row: CheckpointRow): MarketCheckpoint {
  return {
    position: row.position,
    historyBars: row.historyBars,
    symbols: row.symbols.map((saved) => ({
      listing: saved.listing,
      quote: quoteOf(saved.quote),
      bars: saved.bars.map(floatsOf),
      ...(saved.tradeIds ? { tradeIds: saved.tradeIds.map((ids) => ids && floatsOf(ids)) } : {}),
    })),
  };
}

export function encodeCheckpoint(checkpoint: MarketCheckpoint): Uint8Array {
  return encode(checkpointRow(checkpoint));
}

export function decodeCheckpoint(bytes: Uint8Array): MarketCheckpoint {
  return checkpointOf(decode(bytes) as CheckpointRow);
}

/**
 * A checkpoint as Redis keeps it, `[epoch, checkpoint]` (the epoch of the market it was taken from), in one pass:
 * at MBs a checkpoint, encoding it alone and then inside the pair would copy it once more.
 */
export function encodeEpochCheckpoint(epoch: number, checkpoint: MarketCheckpoint): Uint8Array {
  return encode([epoch, checkpointRow(checkpoint)]);
}

export function decodeEpochCheckpoint(bytes: Uint8Array): { epoch: number; checkpoint: MarketCheckpoint } {
  const [epoch, row] = decode(bytes) as [number, CheckpointRow];
  return { epoch, checkpoint: checkpointOf(row) };
}

export type { ChangeRow };
