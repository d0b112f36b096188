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

/** Shared by every client that holds none: most never lag and never open a candle stream. */
const NO_FEEDS: ReadonlySet<never> = new Set<never>();
const NO_CANDLES_OWED: ReadonlyMap<never, number> = new Map<never, number>();

/**
 * One connection: its subscriptions, the entries for its next frame, and what it is owed while behind.
 *
 * A server holds tens of thousands of these, so the collections most clients leave empty (candle streams, what is
 * owed while behind) are made on first use and dropped when emptied: an empty Set or Map costs about 150 bytes.
 */
export class Client {
  readonly sink: FrameSink;
  /** Held symbols, each with the feed (flush period) it is served from. */
  readonly symbols = new Map<string, QuoteFeed>();
  /** Encoded entries for this flush's frame. */
  quoteParts: EncodedEntry[] = [];
  candleParts: EncodedEntry[] = [];
  /** In this flush's list of clients to send to. */
  pending = false;
  /** When the connection stopped draining; undefined while it keeps up. */
  behindSince: number | undefined;
  private streams: Set<CandleFeed> | undefined;
  private owedFeeds: Set<QuoteFeed> | undefined;
  private owedStreams: Map<CandleFeed, number> | undefined;

  constructor(sink: FrameSink) {
    this.sink = sink;
  }

  /** Held candle streams. */
  get candleStreams(): ReadonlySet<CandleFeed> {
    return this.streams ?? NO_FEEDS;
  }

  /** Feeds that changed while behind: a snapshot of each is owed when the connection drains. */
  get owedQuotes(): ReadonlySet<QuoteFeed> {
    return this.owedFeeds ?? NO_FEEDS;
  }

  /** Candle streams that changed while behind, with the earliest bar time touched meanwhile. */
  get owedCandles(): ReadonlyMap<CandleFeed, number> {
    return this.owedStreams ?? NO_CANDLES_OWED;
  }

  addCandleStream(feed: CandleFeed): void {
    (this.streams ??= new Set()).add(feed);
  }

  deleteCandleStream(feed: CandleFeed): void {
    this.streams?.delete(feed);
    if (this.streams?.size === 0) this.streams = undefined;
  }

  owe(feed: QuoteFeed): void {
    (this.owedFeeds ??= new Set()).add(feed);
  }

  oweCandles(feed: CandleFeed, since: number): void {
    this.owedStreams ??= new Map();
    const known = this.owedStreams.get(feed);
    if (known === undefined || since < known) this.owedStreams.set(feed, since);
  }

  /** No longer owes `feed` (it was unsubscribed, or subscribed again with a fresh snapshot). */
  forgive(feed: QuoteFeed): void {
    this.owedFeeds?.delete(feed);
    if (this.owedFeeds?.size === 0) this.owedFeeds = undefined;
  }

  forgiveCandles(feed: CandleFeed): void {
    this.owedStreams?.delete(feed);
    if (this.owedStreams?.size === 0) this.owedStreams = undefined;
  }

  /** Forgets everything owed (it was just sent). */
  paid(): void {
    this.owedFeeds = undefined;
    this.owedStreams = undefined;
  }
}
