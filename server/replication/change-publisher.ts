import type { Redis } from 'ioredis';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { changeRow, encodeChanges, encodeEpochCheckpoint, type ChangeRow } from '../market/change-codec';
import type { MarketState } from '../market/market-state';
import { createBackoff, type Backoff } from '../source/relay/backoff';
import { KEYS } from './redis';

/** What the publisher needs of its connection: transactions, whether it is up, and word when it comes up. */
export type PublisherRedis = Pick<Redis, 'multi' | 'status' | 'on' | 'off'>;

export interface PublisherOptions {
  /** A connection without an offline queue (`connectRedis`): a write while Redis is away fails at once. */
  redis: PublisherRedis;
  market: MarketState;
  clock: Clock;
  logger: Logger;
  /** Entries the stream keeps, about (XADD MAXLEN ~). */
  maxLen: number;
  /** How often a checkpoint is written (while the market changes). */
  checkpointMs: number;
  /** Changes wait at most this long to go out together in one stream entry. */
  batchMs?: number;
  /** Writes sent and not yet answered, at most; past it changes are dropped and a checkpoint follows. */
  maxInFlight?: number;
  /** Delays between attempts at a checkpoint that failed while Redis was connected. */
  backoff?: Backoff;
}

export interface PublisherStatus {
  /** Whether the last write reached Redis. */
  connected: boolean;
  /** Position of the last change written to the stream. */
  published: number;
  /** Changes dropped while Redis was away (a checkpoint covers them once it is back). */
  dropped: number;
  checkpoints: number;
  /** Writes sent and not yet answered (bounded by `maxInFlight`). */
  inFlight: number;
}

/**
 * The ingest side of the change stream: every market change goes to the Redis stream, batched (one entry per
 * `batchMs`), with a bounded MAXLEN; a checkpoint of the whole market, with the position it covers, is written
 * every `checkpointMs` in the same transaction as the entry that ends at that position, so a gateway that reads
 * the checkpoint finds the stream continuing right after it. Beside it, `KEYS.checkpointAt` names the stream ID
 * it covers, so a gateway can tell a quiet stream from one Redis lost.
 *
 * Stream IDs are `<epoch>-<position>` with the epoch this process's start time: a restarted ingest (a new market)
 * writes higher IDs, and a gateway seeing a new epoch reloads.
 *
 * While Redis is away nothing is queued or encoded: changes are counted and dropped, so memory and CPU stay flat
 * however long it lasts. The moment the connection is ready again (its `ready` event), a checkpoint goes out, so
 * gateways, finding a hole in the positions, reload it at once rather than at the next change. A checkpoint that
 * fails while connected is tried again with backoff. The first checkpoint is the same: the process starts whether
 * or not Redis is there, and `published()` resolves once it is written.
 */
export class ChangePublisher {
  private readonly options: PublisherOptions;
  private readonly epoch: number;
  private readonly backoff: Backoff;
  private readonly maxInFlight: number;
  private rows: ChangeRow[] = [];
  private cancelBatch: (() => void) | undefined;
  private cancelRetry: (() => void) | undefined;
  private lastCheckpoint = -Infinity;
  private needCheckpoint = true;
  /** Until the first checkpoint is written, the entries of an earlier run are still in the stream. */
  private fresh = true;
  /** After a failed checkpoint, none is tried before this (clock ms); changes meanwhile are dropped. */
  private retryAt = 0;
  private writing: Promise<void> = Promise.resolve();
  private stopListening: () => void = () => {};
  private resolvePublished: () => void = () => {};
  private readonly firstCheckpoint = new Promise<void>((resolve) => (this.resolvePublished = resolve));
  readonly status: PublisherStatus = {
    connected: false,
    published: 0,
    dropped: 0,
    checkpoints: 0,
    inFlight: 0,
  };

  constructor(options: PublisherOptions) {
    this.options = options;
    this.epoch = options.clock.now();
    this.backoff = options.backoff ?? createBackoff({ minMs: 250, maxMs: 5000 });
    this.maxInFlight = options.maxInFlight ?? 64;
  }

  /** Follows the market, and writes the first checkpoint as soon as Redis answers (see `published`). */
  start(): void {
    const { market, redis, clock } = this.options;
    const stopChanges = market.onChange((change) => {
      this.rows.push(changeRow(change));
      this.cancelBatch ??= clock.setTimer(() => this.flush(), this.options.batchMs ?? 10);
    });
    const onReady = () => {
      this.backoff.reset();
      this.retryAt = 0;
      if (this.needCheckpoint) this.flushSoon();
    };
    redis.on('ready', onReady);
    this.stopListening = () => {
      stopChanges();
      redis.off('ready', onReady);
    };
    this.flushSoon();
  }

  /** Resolves once the first checkpoint is in Redis (gateways can start from it). */
  published(): Promise<void> {
    return this.firstCheckpoint;
  }

  stop(): void {
    this.stopListening();
    this.cancelBatch?.();
    this.cancelBatch = undefined;
    this.cancelRetry?.();
    this.cancelRetry = undefined;
  }

  /** Waits for the writes in flight. */
  settled(): Promise<void> {
    return this.writing;
  }

  private flushSoon(): void {
    this.cancelBatch ??= this.options.clock.setTimer(() => this.flush(), 0);
  }

  private checkpointBytes(): { bytes: Uint8Array; position: number } {
    const checkpoint = this.options.market.checkpoint();
    return { bytes: encodeEpochCheckpoint(this.epoch, checkpoint), position: checkpoint.position };
  }

  private flush(): void {
    this.cancelBatch = undefined;
    const rows = this.rows;
    this.rows = [];
    const { redis, clock, maxLen, checkpointMs } = this.options;
    const now = clock.now();
    const blocked =
      redis.status !== 'ready' ||
      this.status.inFlight >= this.maxInFlight ||
      (this.needCheckpoint && now < this.retryAt);
    if (blocked) return this.drop(rows.length);
    const withCheckpoint =
      this.needCheckpoint || (rows.length > 0 && now - this.lastCheckpoint >= checkpointMs);
    const last = rows.at(-1);
    if (!last && !withCheckpoint) return;

    const multi = redis.multi();
    const fresh = this.fresh;
    // Stale entries of an earlier run would only make gateways reload: the stream starts again with this epoch.
    if (fresh) multi.del(KEYS.changes);
    if (last) {
      multi.xadd(
        KEYS.changes,
        'MAXLEN',
        '~',
        maxLen,
        `${this.epoch}-${last[0]}`,
        'c',
        bufferOf(encodeChanges(rows)),
      );
    }
    let position = last?.[0] ?? this.status.published;
    if (withCheckpoint) {
      // Taken now, between changes: it covers exactly the changes up to this entry.
      const checkpoint = this.checkpointBytes();
      position = checkpoint.position;
      multi
        .set(KEYS.checkpoint, bufferOf(checkpoint.bytes))
        .set(KEYS.checkpointAt, `${this.epoch}-${checkpoint.position}`);
      // One checkpoint at a time: the writes after it follow it on the same connection.
      this.needCheckpoint = false;
    }
    this.status.inFlight++;
    const write = multi
      .exec()
      .then((results) => {
        // A transaction answers each command's error in its results rather than failing as a whole.
        const failed = results?.find(([error]) => error)?.[0];
        if (failed) throw failed;
      })
      .then(
        () => this.written(position, withCheckpoint, fresh, now),
        (error: unknown) => this.failed(error, rows.length, withCheckpoint),
      )
      .finally(() => this.status.inFlight--);
    this.writing = this.writing.then(() => write);
  }

  private written(position: number, withCheckpoint: boolean, fresh: boolean, at: number): void {
    const { logger } = this.options;
    if (!this.status.connected) {
      logger.info(
        { position },
        this.status.checkpoints === 0 ? 'first checkpoint written' : 'publishing again',
      );
    }
    this.status.connected = true;
    this.status.published = Math.max(this.status.published, position);
    if (!withCheckpoint) return;
    if (fresh) this.fresh = false;
    this.lastCheckpoint = at;
    this.status.checkpoints++;
    this.backoff.reset();
    this.resolvePublished();
  }

  private failed(error: unknown, rows: number, withCheckpoint: boolean): void {
    const { logger, clock } = this.options;
    if (this.status.connected) logger.warn({ err: String(error) }, 'redis away: dropping changes');
    this.status.connected = false;
    this.drop(rows);
    this.needCheckpoint = true;
    if (!withCheckpoint) return;
    if (this.status.checkpoints === 0 && this.retryAt === 0) {
      logger.warn({ err: String(error) }, 'redis away: retrying the first checkpoint');
    }
    // Tried again after a while, or at once when the connection comes back (its `ready` resets this).
    const delay = this.backoff.next();
    this.retryAt = clock.now() + delay;
    this.cancelRetry?.();
    this.cancelRetry = clock.setTimer(() => {
      this.cancelRetry = undefined;
      this.flushSoon();
    }, delay);
  }

  /** Changes that will not reach the stream: the next write carries a checkpoint that covers them. */
  private drop(rows: number): void {
    if (rows === 0) return;
    if (this.status.connected) this.options.logger.warn('redis away: dropping changes');
    this.status.connected = false;
    this.status.dropped += rows;
    this.needCheckpoint = true;
  }
}

/** The bytes as a Buffer without copying them (each `encode` has a buffer of its own): a checkpoint is MBs. */
function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
