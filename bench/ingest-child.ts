/**
 * The ingest child of `npm run bench -- --gateways N`: the ingest role (`startIngest`, what `npm run ingest` runs)
 * on the bench's seeded feed, publishing every market change to the bench's redis-server. Started by
 * bench/gateways.ts.
 */
import { configWith } from '../server/config';
import { createLogger } from '../server/logger';
import { startIngest, type Ingest } from '../server/replication/ingest';
import type { IngestCommands, IngestWindow } from './commands';
import { openProcessWindow } from './process-window';
import { serve } from './rpc';
import { quotesInTicks } from './servers/bench-server';
import { createFeed, type BenchFeed } from './servers/feed';

let ingest: Ingest | undefined;
let feed: BenchFeed | undefined;
let endWindow: (() => IngestWindow) | undefined;

function running(): { ingest: Ingest; feed: BenchFeed } {
  if (!ingest || !feed) throw new Error('no ingest started');
  return { ingest, feed };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

serve<IngestCommands>({
  async start({ redisUrl, seed, symbols, ticksPerSec }) {
    feed = createFeed({ seed, symbols, ticksPerSec });
    ingest = await startIngest(
      { ...configWith({ PORT: 0, HOST: '127.0.0.1', LOG_LEVEL: 'silent' }), REDIS_URL: redisUrl },
      createLogger('silent'),
      { source: feed.source },
    );
    // The ingest starts whether or not Redis answers: the gateways start from its first checkpoint.
    await ingest.publisher.published();
    return null;
  },
  feed({ mode }) {
    running().feed.setMode(mode);
    return null;
  },
  measureStart({ windowMs }) {
    const { feed } = running();
    feed.closeAfter(windowMs);
    const events = feed.events;
    const simulatorMs = feed.simulatorMs;
    const end = openProcessWindow();
    endWindow = () => ({
      ...end(),
      events: feed.events - events,
      simulatorUs: (feed.simulatorMs - simulatorMs) * 1000,
    });
    return null;
  },
  measureEnd() {
    if (!endWindow) throw new Error('measureEnd without measureStart');
    const result = endWindow();
    endWindow = undefined;
    return result;
  },
  async stopTicks() {
    const { ingest, feed } = running();
    feed.stop();
    // The publisher sends what it holds after its batching delay; then every change is written or dropped.
    await sleep(100);
    await ingest.publisher.settled();
    return { position: ingest.market.position };
  },
  finalState() {
    return quotesInTicks(running().ingest.market);
  },
  async close() {
    await ingest?.close();
    setImmediate(() => process.exit(0));
    return null;
  },
});
