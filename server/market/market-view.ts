import type { Bar, BarState } from '../../lib/candles';
import type { Instrument } from '../../lib/instrument';
import type { Interval } from '../../lib/intervals';
import type { UnixSeconds } from '../../lib/nominal';
import type { ListedInstrument, StatusEntry, SymbolStatus } from '../../lib/protocol';
import type { Quote } from '../../lib/quote';

/**
 * One change of the market, in the order the changes happened: all a replica needs to follow the market, and all
 * the fan-out needs to know what to send. It holds values, not references to the market's objects, so it can be
 * serialized (server/market/change-codec.ts) and cross a process boundary.
 */
export interface MarketChange {
  /** Its place in the market's sequence of changes: one more than the change before it. */
  readonly position: number;
  readonly symbol: string;
  /** The symbol's quote after the change; undefined before its first trade. */
  readonly quote: Readonly<Quote> | undefined;
  /**
   * For a trade, per interval in `INTERVALS` order, the bar it touched as it is after the trade (undefined where
   * the trade was too old to keep); undefined for a change of bid and ask alone.
   */
  readonly bars: readonly (Readonly<BarState> | undefined)[] | undefined;
  /**
   * Set when the symbol was added or its instrument, source or status changed: how it is listed after the change.
   * Prices did not change (`bars` is undefined).
   */
  readonly listing?: ListedInstrument | undefined;
  /**
   * Set when the symbol's whole state was replaced (a replica reloaded a checkpoint after missing changes): per
   * interval, every bar from this time (unix seconds) on may have changed. `bars` is then undefined.
   */
  readonly resetSince?: readonly number[] | undefined;
}

/**
 * Called with every change. The market that aggregates trades passes the same object each time, holding its live
 * quote and bars: read it during the call, and serialize it to keep it.
 */
export type ChangeListener = (change: MarketChange) => void;

/** Called when a symbol's status changes (or a symbol is added), with its new status entry. */
export type StatusListener = (entry: StatusEntry) => void;

/**
 * The market as the fan-out, the socket layer and the HTTP API read it: quotes, bars and a stream of changes,
 * never a way to change it. The market state that aggregates a source's trades is one; a replica that follows its
 * changes from another process is another.
 */
export interface MarketView {
  readonly instruments: readonly Instrument[];
  /** The position of the last change applied (0 before any). */
  readonly position: number;
  has(symbol: string): boolean;
  instrument(symbol: string): Instrument | undefined;
  /** Every instrument with its source and status, as `GET /api/symbols` lists them. */
  listing(): ListedInstrument[];
  /** Every symbol's status entry. */
  statuses(): StatusEntry[];
  status(symbol: string): SymbolStatus | undefined;
  /** The live quote; undefined before the symbol's first trade. Do not mutate. */
  quote(symbol: string): Readonly<Quote> | undefined;
  /** Up to `limit` bars before `before` (the newest when omitted), ascending, detached from the live state. */
  bars(symbol: string, interval: Interval, limit: number, before?: UnixSeconds): Bar[];
  /** Every bar from the one at or after `since` (unix seconds) to the newest, ascending, detached. */
  barsSince(symbol: string, interval: Interval, since: number): Bar[];
  /**
   * The live bar of the interval at `intervalIndex` (in `INTERVALS`) that starts at `time`, or undefined when
   * there is none (any more). Read it, don't keep it.
   */
  barAt(symbol: string, intervalIndex: number, time: number): Readonly<Bar> | undefined;
  /** Listens to every change; returns the function that stops listening. */
  onChange(listener: ChangeListener): () => void;
  /** Listens to status changes and added symbols; returns the function that stops listening. */
  onStatus(listener: StatusListener): () => void;
}
