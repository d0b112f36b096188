import type { Redis } from 'ioredis';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { decodeChanges, decodeEpochCheckpoint } from '../market/change-codec';
import type { MarketCheckpoint } from '../market/market-book';
import { MarketReplica } from '../market/market-replica';
import type { ReplicationStatus } from '../metrics';
import { KEYS, parseStreamId, redisReady } from './redis';

export interface FollowerOptions {
  /** A connection of its own: XREAD BLOCK holds it. */
  redis: Redis;
  clock: Clock;
  logger: Logger;
  /** How long one XREAD waits for entries. */
  blockMs?: number;
  /** Entries read at once. */
  count?: number;
}

/** How a follower stands, for `/readyz` and the metrics. */
export interface FollowerStatus extends ReplicationStatus {
  /**
   * Whether the last look found it holding all the ingest wrote: false from a lost connection, or a Redis back
   * but empty, until it holds the ingest's next write; false too after a read that left it `lag` changes behind,
   * until a read reaches the stream's end.
   */
  caughtUp: boolean;
  /** The last read that reached the end of the stream, clock ms (0 before any). */
  caughtUpAt: number;
  reloads: number;
}

type StreamReply = [key: string, entries: [id: string, fields: (string | Buffer)[]][]][] | null;

/**
 * The gateway side of the change stream: loads the latest checkpoint into a replica, then reads the stream from
 * the position it covers (XREAD BLOCK) and applies every change in order. A hole in the positions (the gateway
 * fell behind MAXLEN, or Redis lost the stream) or a new epoch (ingest restarted) makes it reload the checkpoint
 * rather than serve a gap. While Redis is away, or back but empty (it lost the stream and the checkpoint, and the
 * ingest has not written again yet), the replica is detached: it keeps its last state, every symbol reads stale,
 * and it is caught up (live) only once it holds what the ingest last wrote.
 */
export class ChangeFollower {
  readonly replica: MarketReplica;
  readonly status: FollowerStatus = { connected: true, caughtUp: false, lag: 0, caughtUpAt: 0, reloads: 0 };
  private readonly options: FollowerOptions;
  private epoch: number;
  private cursor: string;
  private running = true;
  /** Whether the last look found no checkpoint in Redis (logged once). */
  private lost = false;
  private loop: Promise<void> = Promise.resolve();

  private constructor(options: FollowerOptions, epoch: number, checkpoint: MarketCheckpoint) {
    this.options = options;
    this.epoch = epoch;
    this.replica = new MarketReplica(checkpoint);
    this.cursor = `${epoch}-${checkpoint.position}`;
  }

  /** Waits for a checkpoint in Redis (ingest writes one at start), loads it and starts following. */
  static async start(options: FollowerOptions): Promise<ChangeFollower> {
    for (;;) {
      await redisReady(options.redis, 5000).catch(() => undefined);
      const loaded = await readCheckpoint(options.redis).catch((error: unknown) => {
        options.logger.warn({ err: String(error) }, 'no checkpoint yet');
        return undefined;
      });
      if (loaded) {
        const follower = new ChangeFollower(options, loaded.epoch, loaded.checkpoint);
        options.logger.info({ position: loaded.checkpoint.position }, 'checkpoint loaded');
        follower.loop = follower.follow();
        return follower;
      }
      await sleep(options.clock, 250);
    }
  }

  /** Stops reading; resolves once the read in flight has returned. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async follow(): Promise<void> {
    const { redis, logger, clock } = this.options;
    const count = this.options.count ?? 2000;
    while (this.running) {
      let reply: StreamReply;
      try {
        reply = (await redis.xreadBuffer(
          'COUNT',
          count,
          'BLOCK',
          this.options.blockMs ?? 1000,
          'STREAMS',
          KEYS.changes,
          this.cursor,
        )) as unknown as StreamReply;
        if (!this.status.connected) logger.info('following the market again');
        this.status.connected = true;
      } catch (error) {
        if (this.status.connected) logger.warn({ err: String(error) }, 'redis away: serving the last state');
        this.status.connected = false;
        this.status.caughtUp = false;
        this.replica.setDetached(true);
        await sleep(clock, 200);
        continue;
      }
      const entries = reply?.[0]?.[1] ?? [];
      const ok = this.applyEntries(entries);
      if (!ok) {
        await this.reload();
        continue;
      }
      if (entries.length === count) {
        await this.measureLag();
        // A full read found more to come: behind by what it measured, the replica is not caught up, however
        // recently an earlier read reached the end.
        if (this.status.lag > 0) this.status.caughtUp = false;
        continue;
      }
      // Nothing new may mean a quiet market, or a Redis that lost the stream (it restarted empty): only the former
      // is caught up, and a checkpoint the stream does not lead to (written while nothing changed) is loaded.
      const standing = entries.length > 0 ? 'caught up' : await this.standing();
      if (standing === 'behind a checkpoint') {
        await this.reload();
        continue;
      }
      this.status.caughtUp = standing === 'caught up';
      if (standing === 'caught up') {
        this.status.caughtUpAt = clock.now();
        this.status.lag = 0;
        this.replica.setDetached(false);
      } else {
        this.replica.setDetached(true);
      }
    }
  }

  /** Applies entries in order; false when one belongs to another epoch or leaves a hole. */
  private applyEntries(entries: [id: string | Buffer, fields: (string | Buffer)[]][]): boolean {
    for (const [rawId, fields] of entries) {
      const id = rawId.toString();
      const { epoch } = parseStreamId(id);
      if (epoch !== this.epoch) return false;
      const bytes = fields[1];
      if (!(bytes instanceof Buffer)) return false;
      for (const change of decodeChanges(bytes)) {
        if (change.position <= this.replica.position) continue;
        if (!this.replica.apply(change)) return false;
      }
      this.cursor = id;
    }
    return true;
  }

  private async reload(): Promise<void> {
    const { redis, logger, clock } = this.options;
    const loaded = await readCheckpoint(redis).catch((error: unknown) => {
      logger.warn({ err: String(error) }, 'checkpoint not read');
      return undefined;
    });
    // No checkpoint newer than what is held yet (one follows the next write): try again shortly.
    if (!loaded || (loaded.epoch === this.epoch && loaded.checkpoint.position <= this.replica.position)) {
      await sleep(clock, 100);
      return;
    }
    const anotherMarket = loaded.epoch !== this.epoch;
    this.epoch = loaded.epoch;
    this.replica.reload(loaded.checkpoint, { anotherMarket });
    this.cursor = `${loaded.epoch}-${loaded.checkpoint.position}`;
    this.status.reloads++;
    logger.info({ position: loaded.checkpoint.position, epoch: loaded.epoch }, 'checkpoint reloaded');
  }

  /** After a read that found nothing: where this replica stands against the latest checkpoint. */
  private async standing(): Promise<'caught up' | 'behind a checkpoint' | 'no checkpoint'> {
    const at = await this.options.redis.get(KEYS.checkpointAt).catch(() => null);
    if (at === null) {
      if (!this.lost) this.options.logger.warn('redis holds no checkpoint: waiting for the ingest');
      this.lost = true;
      return 'no checkpoint';
    }
    this.lost = false;
    const { epoch, position } = parseStreamId(at);
    return epoch !== this.epoch || position > this.replica.position ? 'behind a checkpoint' : 'caught up';
  }

  private async measureLag(): Promise<void> {
    const newest = (await this.options.redis
      .xrevrange(KEYS.changes, '+', '-', 'COUNT', 1)
      .catch(() => [])) as [string, string[]][];
    const id = newest[0]?.[0];
    if (!id) return;
    const { epoch, position } = parseStreamId(id);
    this.status.lag = epoch === this.epoch ? Math.max(0, position - this.replica.position) : position;
  }
}

async function readCheckpoint(
  redis: Redis,
): Promise<{ epoch: number; checkpoint: MarketCheckpoint } | undefined> {
  const bytes = await redis.getBuffer(KEYS.checkpoint);
  return bytes ? decodeEpochCheckpoint(bytes) : undefined;
}

function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimer(resolve, ms));
}
