import type { IncomingMessage, ServerResponse } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import type { Clock } from '../clock';
import { systemClock } from '../clock';
import type { Config } from '../config';
import { startFeedServer, type FeedServer } from '../feed-server';
import type { Logger } from '../logger';
import { answerReconnectRequests } from '../socket/notices';
import { ChangeFollower } from './change-follower';
import { connectRedis, KEYS } from './redis';

/** A gateway counts as caught up while its last read reached the stream's end this recently. */
const CAUGHT_UP_MS = 3000;

export interface Gateway {
  readonly feed: FeedServer;
  readonly follower: ChangeFollower;
  drain(spreadMs: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A gateway: a replica of the ingest's market followed through Redis, served to clients exactly as one process
 * serves its own market (sockets, snapshots, `/api/*`), with the Socket.IO Redis adapter joining it to the other
 * gateways for what must reach every client (notices, a forced reconnect).
 */
export async function startGateway(
  config: Config & { REDIS_URL: string },
  logger: Logger,
  options: {
    clock?: Clock;
    listen?: false;
    fallback?: (request: IncomingMessage, response: ServerResponse) => void;
    /** Stream entries one read of the follower takes at most (`FollowerOptions.count`; 2000 unless given). */
    readCount?: number;
  } = {},
): Promise<Gateway> {
  const clock = options.clock ?? systemClock;
  const stream = connectRedis(config.REDIS_URL, 'gateway-stream', logger);
  const follower = await ChangeFollower.start({
    redis: stream,
    clock,
    logger,
    ...(options.readCount === undefined ? {} : { count: options.readCount }),
  });
  // The adapter's own connections. Its subscriber keeps ioredis' queue (it subscribes as it starts, and again on
  // every reconnect); its publisher has none (see adapterPublisher).
  const pub = adapterPublisher(connectRedis(config.REDIS_URL, 'gateway-adapter-pub', logger), logger);
  const sub = connectRedis(config.REDIS_URL, 'gateway-adapter-sub', logger, { queue: true });
  let stopAnswering: () => void = () => {};
  const feed = await startFeedServer({
    config,
    clock,
    logger,
    market: follower.replica,
    ...(options.listen === false ? { listen: false as const } : {}),
    ...(options.fallback ? { fallback: options.fallback } : {}),
    readiness: () => {
      const caughtUp = follower.status.caughtUp && clock.now() - follower.status.caughtUpAt < CAUGHT_UP_MS;
      return [
        {
          name: 'redis',
          ok: follower.status.connected,
          ...(follower.status.connected ? {} : { detail: 'unreachable: serving the last state, stale' }),
        },
        {
          name: 'caught up',
          ok: caughtUp,
          ...(caughtUp ? {} : { detail: `${follower.status.lag} changes behind` }),
        },
      ];
    },
    replication: () => follower.status,
    configureIo: (io) => {
      io.adapter(createAdapter(pub, sub, { key: KEYS.adapter }));
      stopAnswering = answerReconnectRequests(io, clock);
    },
  });
  return {
    feed,
    follower,
    drain: (spreadMs) => feed.drain(spreadMs),
    async close() {
      stopAnswering();
      await feed.close();
      await follower.stop();
      stream.disconnect();
      pub.disconnect();
      sub.disconnect();
    },
  };
}

/**
 * The adapter's publishing connection: without an offline queue, so a gateway cut off from Redis holds no growing
 * backlog of notices and sends none late once Redis is back; a notice meanwhile reaches this gateway's own clients
 * only (the adapter delivers locally whatever its publish does). The adapter does not wait for its publishes: one
 * that fails is logged here, where its rejection would otherwise go unhandled and end the process.
 */
function adapterPublisher(redis: Redis, logger: Logger): Redis {
  const publish = redis.publish.bind(redis) as (channel: string, message: string | Buffer) => Promise<number>;
  let failing = false;
  const publishOrDrop = (channel: string, message: string | Buffer): Promise<number> =>
    publish(channel, message).then(
      (receivers) => {
        failing = false;
        return receivers;
      },
      (error: unknown) => {
        if (!failing) logger.warn({ err: String(error) }, 'redis away: notices reach this gateway only');
        failing = true;
        return 0;
      },
    );
  return Object.assign(redis, { publish: publishOrDrop });
}
