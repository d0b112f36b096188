import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Bar } from '../../lib/candles';
import { toPrice, toQuantity, type Instrument } from '../../lib/instrument';
import type { ApiBar, ListedInstrument } from '../../lib/protocol';
import { systemClock, type Clock } from '../../server/clock';
import { configWith } from '../../server/config';
import { startFeedServer, type FeedServer } from '../../server/feed-server';
import type { Logger } from '../../server/logger';
import { createBackoff } from '../../server/source/relay/backoff';
import { Relay } from '../../server/source/relay/relay';
import type { Venue } from '../../server/source/relay/venue';

/** A logger that keeps its lines, so a test can read what an operator would. */
export function recordingLogger(): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), lines: () => lines };
}

/** Timings short enough for a test: stale after 1 s, reconnect within 0.2 s, late trades up to 0.4 s. */
export const TEST_TIMINGS = { staleMs: 1000, graceMs: 400, settleMs: 300, pingMs: 2000 } as const;

/** The real feed server relaying `venue` alone, on a free loopback port. */
export async function startRelayFeed(
  venue: Venue,
  symbols: readonly string[],
  logger: Logger,
  clock: Clock = systemClock,
): Promise<{ server: FeedServer; relay: Relay; url: string }> {
  const relay = new Relay({
    venue,
    symbols,
    clock,
    logger,
    historyBars: 2000,
    ...TEST_TIMINGS,
    backoff: () => createBackoff({ minMs: 50, maxMs: 200 }),
  });
  const server = await startFeedServer({
    config: configWith({
      PORT: 0,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      STALE_MS: TEST_TIMINGS.staleMs,
      // The tests read every bar at every interval, quickly.
      API_REQUESTS_PER_SECOND: 10_000,
      API_BARS_PER_SECOND: 10_000_000,
    }),
    source: relay,
    logger,
    clock,
  });
  return { server, relay, url: `http://127.0.0.1:${server.port}` };
}

export async function listedSymbols(url: string): Promise<ListedInstrument[]> {
  const response = await fetch(`${url}/api/symbols`);
  return ((await response.json()) as { symbols: ListedInstrument[] }).symbols;
}

export async function apiBars(url: string, symbol: string, interval: string): Promise<ApiBar[]> {
  const response = await fetch(
    `${url}/api/candles?symbol=${encodeURIComponent(symbol)}&interval=${interval}&limit=2000`,
  );
  return ((await response.json()) as { bars: ApiBar[] }).bars;
}

export const toApiBar = (bar: Bar, instrument: Instrument): ApiBar => ({
  time: bar.time,
  open: toPrice(bar.open, instrument),
  high: toPrice(bar.high, instrument),
  low: toPrice(bar.low, instrument),
  close: toPrice(bar.close, instrument),
  volume: toQuantity(bar.volume, instrument),
});
