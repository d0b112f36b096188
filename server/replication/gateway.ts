import type { IncomingMessage, ServerResponse } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
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
  } = {},
): Promise<Gateway> {
  const clock = options.clock ?? systemClock;
  const stream = connectRedis(config.REDIS_URL, 'gateway-stream', logger);
  const follower = await ChangeFollower.start({ redis: stream, clock, logger });
  // The adapter's own connections, with its usual queueing: it publishes only notices, rarely.
  const pub = connectRedis(config.REDIS_URL, 'gateway-adapter-pub', logger, { queue: true });
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
