import { QUOTE_FIELDS, type Quote } from '../../lib/quote';
import type { MarketView } from '../../server/market/market-view';
import type { BenchFeed } from './feed';

/** L: plain ws, the limit. N: socket.io, one emit per tick to the symbol's room. O: the tickerboard feed server. */
export type ServerKind = 'L' | 'N' | 'O';

export interface ServerSetup {
  feed: BenchFeed;
  flushMs: number;
}

/** What the bench needs of a server under test. */
export interface BenchServer {
  readonly port: number;
  /**
   * What every client subscribed to a symbol must hold once the feed has stopped and the server has drained: the
   * quote's values in `QUOTE_FIELDS` order, in the units this server sends them in.
   */
  finalState(): Record<string, number[]>;
  /** Bytes accepted for sending but not yet handed to the kernel, over all connections. */
  queuedBytes(): number;
  /** Clients the server holds frames back from because it judged them slow, where it keeps such a count. */
  behind?(): number;
  close(): Promise<void>;
}

/** Every symbol's quote in ticks and lots, the wire units of L and O. */
export function quotesInTicks(market: MarketView): Record<string, number[]> {
  const state: Record<string, number[]> = {};
  for (const { symbol } of market.instruments) {
    const quote = market.quote(symbol);
    if (quote) state[symbol] = QUOTE_FIELDS.map((field) => quote[field as keyof Quote]);
  }
  return state;
}

interface EngineSocketInternals {
  transport?: { socket?: { bufferedAmount?: number } };
}

/** The part of a socket.io `Server` this reads, whatever its event maps. */
interface SocketIoServer {
  of(name: '/'): { sockets: ReadonlyMap<string, { conn: unknown }> };
}

/**
 * Bytes queued in the `ws` sockets under a socket.io server. Reads engine.io internals (there is no public
 * counter); a change there makes this read 0, never fail.
 */
export function socketIoQueuedBytes(io: SocketIoServer): number {
  let bytes = 0;
  for (const socket of io.of('/').sockets.values()) {
    bytes += (socket.conn as unknown as EngineSocketInternals).transport?.socket?.bufferedAmount ?? 0;
  }
  return bytes;
}
