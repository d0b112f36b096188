import { Redis } from 'ioredis';
import type { Logger } from '../logger';

/** Where ingest and gateways meet in Redis. */
export const KEYS = {
  /** The stream of market changes: entries `c` (MessagePack rows), IDs `<epoch>-<last position>`. */
  changes: 'tickerboard:changes',
  /** The latest checkpoint: MessagePack `[epoch, checkpoint]` (`encodeEpochCheckpoint`). */
  checkpoint: 'tickerboard:checkpoint',
  /**
   * The stream ID `<epoch>-<position>` the latest checkpoint covers, written with it: a few bytes a gateway reads
   * to tell a quiet stream (caught up) from one Redis lost (restarted empty) or a checkpoint it has not loaded.
   */
  checkpointAt: 'tickerboard:checkpoint:at',
  /** The Socket.IO adapter's channel prefix. */
  adapter: 'tickerboard:io',
} as const;

/**
 * A Redis connection that never queues commands while Redis is away: a command then fails at once, so a process
 * cut off from Redis holds no growing backlog, and decides itself what to drop and what to redo. It reconnects by
 * itself, at most half a second apart (a gateway is live again soon after Redis is). With `queue` it keeps ioredis' usual offline queue (for clients such as the
 * Socket.IO adapter's, which expect it).
 */
export function connectRedis(
  url: string,
  name: string,
  logger: Logger,
  { queue = false }: { queue?: boolean } = {},
): Redis {
  const redis = new Redis(url, {
    connectionName: name,
    enableOfflineQueue: queue,
    autoResendUnfulfilledCommands: queue,
    maxRetriesPerRequest: queue ? 20 : 0,
    lazyConnect: false,
    retryStrategy: (times) => Math.min(50 * times, 500),
  });
  let up = false;
  redis.on('ready', () => {
    up = true;
    logger.info({ name }, 'redis connected');
  });
  redis.on('error', (error: Error) => {
    if (up) logger.warn({ name, err: error.message }, 'redis connection lost');
    up = false;
  });
  return redis;
}

/** Resolves once the connection is ready (or rejects after `timeoutMs`). */
export function redisReady(redis: Redis, timeoutMs = 30_000): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`redis not reachable within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}

/** The epoch and position a stream ID `<epoch>-<position>` names. */
export function parseStreamId(id: string): { epoch: number; position: number } {
  const [epoch, position] = id.split('-').map(Number);
  return { epoch: epoch ?? 0, position: position ?? 0 };
}
