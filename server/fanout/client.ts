import type { CandleFeed, QuoteFeed } from './feeds';
import type { EncodedEntry } from './wire';

/** Where a client's frames go: the socket layer, or a test's recorder. */
export interface FrameSink {
  /**
   * Sends one frame: a WebSocket message holding a finished Socket.IO packet (`frameMessage` in wire.ts;
   * `packetOf` gives the packet alone).
   */
  send(message: Buffer): void;
  /** False while the connection has not yet handed its last frame to the network: it is behind. */
  writable(): boolean;
  /** Ends the connection, saying why. */
  close(reason: string): void;
}

/** One connection: its subscriptions, the entries for its next frame, and what it is owed while behind. */
export class Client {
  readonly sink: FrameSink;
  /** Held symbols, each with the feed (flush period) it is served from. */
  readonly symbols = new Map<string, QuoteFeed>();
  readonly candleStreams = new Set<CandleFeed>();
  /** Encoded entries for this flush's frame. */
  quoteParts: EncodedEntry[] = [];
  candleParts: EncodedEntry[] = [];
  /** In this flush's list of clients to send to. */
  pending = false;
  /** When the connection stopped draining; undefined while it keeps up. */
  behindSince: number | undefined;
  /** Feeds that changed while behind: a snapshot of each is owed when the connection drains. */
  readonly owedQuotes = new Set<QuoteFeed>();
  /** Candle streams that changed while behind, with the earliest bar time touched meanwhile. */
  readonly owedCandles = new Map<CandleFeed, number>();

  constructor(sink: FrameSink) {
    this.sink = sink;
  }

  owe(feed: QuoteFeed): void {
    this.owedQuotes.add(feed);
  }

  oweCandles(feed: CandleFeed, since: number): void {
    const known = this.owedCandles.get(feed);
    if (known === undefined || since < known) this.owedCandles.set(feed, since);
  }
}
