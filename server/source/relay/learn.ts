import type { Clock } from '../../clock';
import type { Logger } from '../../logger';
import type { Backoff } from './backoff';
import { VenueError, type Venue, type VenueInstrument } from './venue';

export interface LearnOptions {
  venue: Venue;
  /** The venue's spellings of the symbols to learn. */
  symbols: readonly string[];
  clock: Clock;
  logger: Logger;
  backoff: Backoff;
  /** The relay has stopped: learn no more. */
  stopped: () => boolean;
  /** Keeps the stop function of a pause, for the relay's stop. */
  paused: (stop: () => void) => void;
  learned: (instrument: VenueInstrument) => void;
  /** The venue could not be reached, for `reason`: asked again after a pause. */
  unreachable: (reason: string | undefined) => void;
}

/**
 * Learns every instrument from its venue, retrying an unreachable venue with backoff; an unknown symbol is reported
 * and left out. Resolves with the unknown symbols, once every other one is learned or the relay has stopped.
 */
export async function learnInstruments(options: LearnOptions): Promise<string[]> {
  const { venue, clock, logger, backoff, stopped } = options;
  const pending = new Set(options.symbols);
  const unknown: string[] = [];
  while (pending.size > 0 && !stopped()) {
    let failure: string | undefined;
    for (const venueSymbol of [...pending]) {
      try {
        const learned = await venue.instrument(venueSymbol);
        pending.delete(venueSymbol);
        options.learned(learned);
      } catch (error) {
        if (error instanceof VenueError && error.unknownSymbol) {
          pending.delete(venueSymbol);
          unknown.push(venueSymbol);
          logger.error(
            { venue: venue.name, symbol: venueSymbol },
            `unknown symbol ${venueSymbol} at ${venue.name}: remove it from ${venue.symbolsVariable} (${(error as Error).message})`,
          );
        } else {
          failure = (error as Error).message;
        }
      }
      if (stopped()) return unknown;
    }
    if (pending.size === 0) break;
    const delay = backoff.next();
    options.unreachable(failure);
    logger.warn({ venue: venue.name, reason: failure, retryInMs: delay }, 'venue unreachable, retrying');
    await new Promise<void>((resolve) => options.paused(clock.setTimer(resolve, delay)));
  }
  return unknown;
}
