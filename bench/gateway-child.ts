/**
 * A gateway child of `npm run bench -- --gateways N`: the gateway role (`startGateway`, what `npm run gateway`
 * runs, without the pages) following the bench's redis-server, and measuring itself over the window. Started by
 * bench/gateways.ts.
 */
import { configWith } from '../server/config';
import { createLogger } from '../server/logger';
import { startGateway, type Gateway } from '../server/replication/gateway';
import type { GatewayCommands, ProcessWindow } from './commands';
import { collectGarbage, measureIdle, openProcessWindow } from './process-window';
import { serve } from './rpc';
import { quotesInTicks } from './servers/bench-server';

let gateway: Gateway | undefined;
let endWindow: (() => ProcessWindow) | undefined;

function running(): Gateway {
  if (!gateway) throw new Error('no gateway started');
  return gateway;
}

serve<GatewayCommands>({
  async start({ redisUrl, flushMs }) {
    gateway = await startGateway(
      {
        ...configWith({
          PORT: 0,
          HOST: '127.0.0.1',
          FLUSH_MS: flushMs,
          LOG_LEVEL: 'silent',
          // Every load client connects from loopback: one address, which the per-address limit would hold to 100.
          MAX_CONNECTIONS_PER_IP: 100_000,
        }),
        REDIS_URL: redisUrl,
      },
      createLogger('silent'),
    );
    return { port: gateway.feed.port };
  },
  idle: ({ ms }) => measureIdle(ms),
  position() {
    return running().feed.market.position;
  },
  memory() {
    collectGarbage();
    const { rss, heapUsed, external } = process.memoryUsage();
    return { rssBytes: rss, heapBytes: heapUsed + external };
  },
  measureStart() {
    running();
    endWindow = openProcessWindow();
    return null;
  },
  measureEnd() {
    if (!endWindow) throw new Error('measureEnd without measureStart');
    const result = endWindow();
    endWindow = undefined;
    return result;
  },
  finalState() {
    return quotesInTicks(running().feed.market);
  },
  async close() {
    await gateway?.close();
    setImmediate(() => process.exit(0));
    return null;
  },
});
