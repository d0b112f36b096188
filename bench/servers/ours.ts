import { configWith } from '../../server/config';
import { startFeedServer } from '../../server/feed-server';
import { quotesInTicks, socketIoQueuedBytes, type BenchServer, type ServerSetup } from './bench-server';

/**
 * O: the tickerboard feed server itself, started as `npm start` would but on the bench's feed. Kept to the
 * public entry point so the bench follows whatever the fan-out does inside.
 */
export async function startOurs({ feed, flushMs }: ServerSetup): Promise<BenchServer> {
  const server = await startFeedServer({
    // Every load client connects from loopback: one address, which the per-address limit would hold to 100.
    config: configWith({
      PORT: 0,
      HOST: '127.0.0.1',
      FLUSH_MS: flushMs,
      LOG_LEVEL: 'silent',
      MAX_CONNECTIONS_PER_IP: 100_000,
    }),
    source: feed.source,
  });
  return {
    port: server.port,
    finalState: () => quotesInTicks(server.market),
    queuedBytes: () => socketIoQueuedBytes(server.io),
    behind: () => server.fanOut.behindCount,
    close: () => server.close(),
  };
}
