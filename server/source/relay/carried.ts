import type { UnixMillis } from '../../../lib/nominal';
import type { SymbolStatus } from '../../../lib/protocol';
import { sessionAt } from '../../../lib/calendar/sessions';
import type { TradeEvent } from '../price-source';
import { TradeIntake } from './trade-intake';
import type { VenueInstrument } from './venue';

/** A repair of one symbol's bars from the venue's, under way. */
export interface Repair {
  /** Trades before it come from the venue's bars; trades from it on stream as usual and are noted. */
  cut: UnixMillis;
  /** Bars from this time on are fetched again. */
  from: UnixMillis;
  /** The trades from `cut` on sent meanwhile, to add to the bar the venue's bars end inside. */
  since: TradeEvent[];
  cancel: () => void;
}

/** What a relay keeps of one symbol it carries: its instrument, its trades' intake, its status and its repair. */
export interface Carried {
  venue: VenueInstrument;
  symbol: string;
  intake: TradeIntake;
  status: SymbolStatus;
  lastHeard: number;
  repair: Repair | undefined;
  /** Trades before this time are in the venue's bars already. */
  repairedUntil: number;
}

/** A symbol just learned: stale (nothing heard yet), with its history still to fetch. */
export function carry(learned: VenueInstrument, graceMs: number): Carried {
  return {
    venue: learned,
    symbol: learned.instrument.symbol,
    intake: new TradeIntake(graceMs),
    status: 'stale',
    lastHeard: -Infinity,
    repair: undefined,
    repairedUntil: -Infinity,
  };
}

/** What a symbol is while its venue sends nothing: `closed` outside its session (a stock at night), else `stale`. */
export function quietStatus(carried: Carried, now: UnixMillis): SymbolStatus {
  return sessionAt(carried.venue.instrument.assetClass, now).phase === 'closed' ? 'closed' : 'stale';
}
