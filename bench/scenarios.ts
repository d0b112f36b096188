/** One load scenario, run in turn against the L, N and O servers with the same seeded feed. */
export interface Scenario {
  name: string;
  title: string;
  /** Symbols in the synthetic catalogue (S0001…). */
  symbols: number;
  /** Mean market events per symbol per second. */
  ticksPerSec: number;
  /** Events per symbol per second during the measure window, when it is a spike. */
  spikeTicksPerSec?: number;
  clients: number;
  /** Symbols each client subscribes to, drawn by a Zipf-like popularity. */
  symbolsPerClient: number;
  flushMs: number;
  warmupMs: number;
  windowMs: number;
  /** Share of clients that read slowly (0 for none). */
  slowShare: number;
  /** Speed of a slow client's reading, as a share of what it is sent. */
  slowSpeed: number;
}

export const SEED = 1;

const T1: Scenario = {
  name: 'T1',
  title: 'steady: 500 symbols at 5 ticks/s, 1,000 clients x 20 symbols, flush 100 ms',
  symbols: 500,
  ticksPerSec: 5,
  clients: 1000,
  symbolsPerClient: 20,
  flushMs: 100,
  warmupMs: 5000,
  windowMs: 20_000,
  slowShare: 0,
  slowSpeed: 1,
};

export const SCENARIOS: readonly Scenario[] = [
  T1,
  {
    ...T1,
    name: 'T2',
    title:
      'spike: T1 with ticks at 50/s for 30 s (the measure window), 15 s at T1 rate before and after (steady state)',
    spikeTicksPerSec: 50,
    windowMs: 30_000,
  },
  {
    ...T1,
    name: 'T3',
    title: 'connections: 10,000 clients x 10 symbols, 1 tick/s, flush 250 ms',
    ticksPerSec: 1,
    clients: 10_000,
    symbolsPerClient: 10,
    flushMs: 250,
    windowMs: 10_000,
  },
  {
    ...T1,
    name: 'T4',
    title: 'slow consumers: T1 where 10% of clients read at a tenth of the speed',
    slowShare: 0.1,
    slowSpeed: 0.1,
  },
];

/**
 * The stretch goal, run only when named (`--scenario S`): one million symbol-updates a second asked of one server
 * core. With 12 events per symbol per second (bursts included) about 70% of a client's symbols change in each
 * 100 ms flush, so about 700,000 updates a second are due; 1,000,000 would need every symbol to change in every
 * flush.
 */
export const STRETCH: Scenario = {
  ...T1,
  name: 'S',
  title: 'stretch: 5,000 clients x 20 symbols, 10 ticks/s, flush 100 ms',
  ticksPerSec: 10,
  clients: 5000,
  windowMs: 15_000,
};

/** Every scenario a run can name; `SCENARIOS` are the ones it runs when it names none. */
export const ALL_SCENARIOS: readonly Scenario[] = [...SCENARIOS, STRETCH];

/** The smoke-test version: a few hundred clients and two-second windows. */
export function quick(scenario: Scenario): Scenario {
  return {
    ...scenario,
    clients: scenario.name === 'T3' ? 1000 : scenario.name === 'S' ? 500 : Math.min(scenario.clients, 200),
    warmupMs: 500,
    windowMs: 2000,
  };
}
