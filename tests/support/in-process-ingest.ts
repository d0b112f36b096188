import type { Clock } from '../../lib/clock';
import type { Config } from '../../server/config';
import { buildMarket } from '../../server/feed-server';
import type { Logger } from '../../server/logger';
import { ChangePublisher } from '../../server/replication/change-publisher';
import { connectRedis } from '../../server/replication/redis';
import type { SimulatedInstrument } from '../../server/source/catalogue';
import { MarketSimulator } from '../../server/source/market-simulator';
import { StoppableSource } from './test-feed';

/** The ingest role's parts, in the test's process: a market of the simulator's, and its publisher. */
export interface InProcessIngest {
  source: StoppableSource;
  market: ReturnType<typeof buildMarket>['market'];
  publisher: ChangePublisher;
  /** Stops the market and the publisher (as the process ending would). */
  stop(): void;
}

export interface InProcessIngestOptions {
  config: Config;
  clock: Clock;
  logger: Logger;
  redisUrl: string;
  instruments: readonly SimulatedInstrument[];
  seed: number;
  /** The stream's MAXLEN and how often a checkpoint is written, as the ingest's STREAM_MAXLEN and CHECKPOINT_MS. */
  maxLen: number;
  checkpointMs: number;
}

/** Starts an ingest here, over `redisUrl`; resolves once its first checkpoint is published. */
export async function startInProcessIngest(options: InProcessIngestOptions): Promise<InProcessIngest> {
  const { config, clock, logger, redisUrl, instruments, seed, maxLen, checkpointMs } = options;
  const source = new StoppableSource(
    new MarketSimulator({ seed, instruments, clock, historyBars: config.HISTORY_BARS }),
  );
  const built = buildMarket(config, clock, source);
  const connection = connectRedis(redisUrl, 'ingest', logger);
  const publisher = new ChangePublisher({
    redis: connection,
    market: built.market,
    clock,
    logger,
    maxLen,
    checkpointMs,
  });
  publisher.start();
  const stopSources = built.start();
  await publisher.published();
  return {
    source,
    market: built.market,
    publisher,
    stop() {
      stopSources();
      publisher.stop();
      connection.disconnect();
    },
  };
}
