import { encode } from '@msgpack/msgpack';
import type { Redis } from 'ioredis';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { changeRow, encodeChanges, encodeCheckpoint, type ChangeRow } from '../market/change-codec';
import type { MarketState } from '../market/market-state';
import { KEYS } from './redis';

export interface PublisherOptions {
  redis: Redis;
  market: MarketState;
  clock: Clock;
  logger: Logger;
  /** Entries the stream keeps, about (XADD MAXLEN ~). */
  maxLen: number;
  /** How often a checkpoint is written. */
  checkpointMs: number;
  /** Changes wait at most this long to go out together in one stream entry. */
  batchMs?: number;
}

export interface PublisherStatus {
  /** Whether the last write reached Redis. */
  connected: boolean;
  /** Position of the last change written to the stream. */
  published: number;
  /** Changes dropped while Redis was away (a checkpoint covers them once it is back). */
  dropped: number;
  checkpoints: number;
}

/**
 * The ingest side of the change stream: every market change goes to the Redis stream, batched (one entry per
 * `batchMs`), with a bounded MAXLEN; a checkpoint of the whole market, with the position it covers, is written
 * every `checkpointMs` in the same transaction as the entry that ends at that position, so a gateway that reads
 * the checkpoint finds the stream continuing right after it.
 *
 * Stream IDs are `<epoch>-<position>` with the epoch this process's start time: a restarted ingest (a new market)
 * writes higher IDs, and a gateway seeing a new epoch reloads. While Redis is away, batches are dropped, not
 * queued (memory stays bounded); the first write after it returns carries a checkpoint, and the gateways, seeing
 * a hole in the positions, reload it.
 */
export class ChangePublisher {
  private readonly options: PublisherOptions;
  private readonly epoch: number;
  private rows: ChangeRow[] = [];
  private cancelBatch: (() => void) | undefined;
  private lastCheckpoint = -Infinity;
  private needCheckpoint = true;
  private writing: Promise<void> = Promise.resolve();
  private stopListening: () => void = () => {};
  readonly status: PublisherStatus = { connected: false, published: 0, dropped: 0, checkpoints: 0 };

  constructor(options: PublisherOptions) {
    this.options = options;
    this.epoch = options.clock.now();
  }

  /** Writes the first checkpoint (retrying until Redis answers), then follows the market. */
  async start(): Promise<void> {
    const { market, redis } = this.options;
    this.stopListening = market.onChange((change) => {
      this.rows.push(changeRow(change));
      this.cancelBatch ??= this.options.clock.setTimer(() => this.flush(), this.options.batchMs ?? 10);
    });
    // Stale entries of an earlier run would only make gateways reload: the stream starts again with this epoch.
    this.writing = redis
      .multi()
      .del(KEYS.changes)
      .set(KEYS.checkpoint, Buffer.from(this.checkpointBytes()))
      .exec()
      .then(() => {
        this.needCheckpoint = false;
        this.lastCheckpoint = this.options.clock.now();
        this.status.checkpoints++;
        this.status.connected = true;
      });
    await this.writing;
  }

  stop(): void {
    this.stopListening();
    this.cancelBatch?.();
    this.cancelBatch = undefined;
  }

  /** Waits for the writes in flight. */
  settled(): Promise<void> {
    return this.writing;
  }

  private checkpointBytes(): Uint8Array {
    return encode([this.epoch, encodeCheckpoint(this.options.market.checkpoint())]);
  }

  private flush(): void {
    this.cancelBatch = undefined;
    const rows = this.rows;
    this.rows = [];
    const last = rows.at(-1);
    if (!last) return;
    const { redis, clock, maxLen, checkpointMs, logger } = this.options;
    const now = clock.now();
    const withCheckpoint = this.needCheckpoint || now - this.lastCheckpoint >= checkpointMs;
    const id = `${this.epoch}-${last[0]}`;
    const multi = redis
      .multi()
      .xadd(KEYS.changes, 'MAXLEN', '~', maxLen, id, 'c', Buffer.from(encodeChanges(rows)));
    // Taken now, between changes: it covers exactly the changes up to this entry.
    if (withCheckpoint) multi.set(KEYS.checkpoint, Buffer.from(this.checkpointBytes()));
    const write = multi.exec().then(
      () => {
        if (!this.status.connected) logger.info({ position: last[0] }, 'publishing again');
        this.status.connected = true;
        this.status.published = last[0];
        if (withCheckpoint) {
          this.needCheckpoint = false;
          this.lastCheckpoint = now;
          this.status.checkpoints++;
        }
      },
      (error: unknown) => {
        if (this.status.connected) logger.warn({ err: String(error) }, 'redis away: dropping changes');
        this.status.connected = false;
        this.status.dropped += rows.length;
        this.needCheckpoint = true;
      },
    );
    this.writing = this.writing.then(() => write);
  }
}
