import type { Instrument } from '../../../lib/instrument';
import type { Interval } from '../../../lib/intervals';
import type { UnixMillis, UnixSeconds } from '../../../lib/nominal';
import type { TakerSide } from '../price-source';

/** An instrument as a venue describes it, with its steps as the venue wrote them (decimal strings). */
export interface VenueInstrument {
  /** The venue's own spelling: `BTCUSDT`, `BTC-USD`, `AAPL`. */
  venueSymbol: string;
  /** `symbol` is the venue prefix and its spelling: `BINANCE:BTCUSDT`. */
  instrument: Instrument;
  tickStep: string;
  lotStep: string;
}

/** What a venue's WebSocket message says, in the venue's decimals; a relay turns it into ticks and lots. */
export type VenueMessage =
  | {
      kind: 'trade';
      venueSymbol: string;
      time: number;
      price: string;
      size: string;
      side?: TakerSide | undefined;
      tradeId?: number | undefined;
    }
  | {
      kind: 'quote';
      venueSymbol: string;
      /** The venue's time, where it gives one (Binance's bookTicker does not: then the time it arrived). */
      time?: number | undefined;
      bid: string;
      ask: string;
      bidSize?: string | undefined;
      askSize?: string | undefined;
    }
  /** The symbol's stream is alive; `lastTradeId` (Coinbase's heartbeat) says which trade it last matched. */
  | { kind: 'heartbeat'; venueSymbol: string; lastTradeId?: number | undefined }
  /** The venue refused something (a subscription, a symbol). */
  | { kind: 'error'; message: string }
  /** Understood and of no use to a relay (subscription confirmations). */
  | { kind: 'ignored' }
  /** Not what the venue documents. */
  | { kind: 'malformed'; reason: string };

/** A venue bar in its decimals; `time` is the bucket's start. */
export interface VenueBar {
  time: UnixSeconds;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

/** Why a venue call failed: `unknown` symbols are a configuration error and not retried, the rest are. */
export class VenueError extends Error {
  readonly unknownSymbol: boolean;

  constructor(message: string, unknownSymbol = false) {
    super(message);
    this.unknownSymbol = unknownSymbol;
  }
}

/**
 * One exchange's protocol: how to learn an instrument, where to connect and what to subscribe, what its messages
 * mean and where its bars are. A relay does everything else (ticks, duplicates, gaps, staleness, history), so a new
 * venue is this interface and a fake of it for the tests (docs/sources.md).
 */
export interface Venue {
  /** The source's name: `binance`. */
  readonly name: string;
  /** The symbol prefix: `BINANCE`. */
  readonly prefix: string;
  /** The variable that lists its symbols, for messages that say what to fix. */
  readonly symbolsVariable: string;
  /** Intervals it has REST bars at, shortest first. */
  readonly historyIntervals: readonly Interval[];
  /** Messages per second it accepts from a client, where it limits them. */
  readonly messagesPerSecond?: number;
  /** How long it keeps one connection open before closing it. */
  readonly connectionLifetimeMs?: number;
  /** Resolves with the instrument; rejects with a `VenueError` (unknown symbol or unreachable venue). */
  instrument(venueSymbol: string): Promise<VenueInstrument>;
  socketUrl(venueSymbols: readonly string[]): string;
  /** Messages to send on each new connection, in order. */
  subscriptions(venueSymbols: readonly string[]): string[];
  parse(text: string): VenueMessage[];
  /** Its bars of `interval` starting in [from, to), ascending, paged as the venue requires. */
  bars(venueSymbol: string, interval: Interval, from: UnixMillis, to: UnixMillis): Promise<VenueBar[]>;
  /** Bars per REST request, which bounds how much history a relay asks for at start. */
  readonly barsPerRequest: number;
}

/** GET `url` as JSON; a `VenueError` for a network failure or an unsuccessful status, with the venue's message. */
export async function getJson(venue: string, url: string, init: RequestInit = {}): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    throw new VenueError(`${venue} unreachable: ${(error as Error).message}`);
  }
  const text = await response.text();
  if (!response.ok) throw new VenueError(`${venue} answered ${response.status}: ${text.slice(0, 200)}`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new VenueError(`${venue} answered something other than JSON: ${text.slice(0, 200)}`);
  }
}
