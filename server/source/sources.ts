import type { Clock } from '../clock';
import type { Config, FeedName } from '../config';
import type { Logger } from '../logger';
import { binance } from './binance';
import { CATALOGUE } from './catalogue';
import { coinbase } from './coinbase';
import { finnhub } from './finnhub';
import type { PriceSource } from './price-source';
import { Relay } from './relay/relay';
import type { Venue } from './relay/venue';
import { MarketSimulator } from './market-simulator';

function venueFor(
  name: 'binance' | 'coinbase' | 'finnhub',
  config: Config,
): { venue: Venue; symbols: readonly string[] } {
  switch (name) {
    case 'binance':
      return {
        venue: binance({ wsUrl: config.BINANCE_WS_URL, restUrl: config.BINANCE_REST_URL }),
        symbols: config.BINANCE_SYMBOLS,
      };
    case 'coinbase':
      return {
        venue: coinbase({ wsUrl: config.COINBASE_WS_URL, restUrl: config.COINBASE_REST_URL }),
        symbols: config.COINBASE_SYMBOLS,
      };
    case 'finnhub':
      return {
        venue: finnhub({
          wsUrl: config.FINNHUB_WS_URL,
          restUrl: config.FINNHUB_REST_URL,
          token: config.FINNHUB_TOKEN,
        }),
        symbols: config.FINNHUB_SYMBOLS,
      };
  }
}

/** Whether a `FEED` name is a recording to replay. */
export function isReplay(name: FeedName): name is `replay:${string}` {
  return name.startsWith('replay:');
}

/** The sources `FEED` names, in its order: the seeded simulator and the relays. */
export function createSources(config: Config, clock: Clock, logger: Logger): PriceSource[] {
  return config.FEED.map((name) => {
    if (isReplay(name)) throw new Error(`${name}: a replay is opened by the feed server, not here`);
    if (name === 'sim') {
      return new MarketSimulator({
        seed: config.SIM_SEED,
        instruments: CATALOGUE,
        clock,
        historyBars: config.HISTORY_BARS,
      });
    }
    const { venue, symbols } = venueFor(name, config);
    return new Relay({
      venue,
      symbols,
      clock,
      logger: logger.child({ source: name }),
      staleMs: config.STALE_MS,
      historyBars: config.HISTORY_BARS,
    });
  });
}
