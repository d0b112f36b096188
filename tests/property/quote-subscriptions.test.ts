import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QuoteRegistry, type QuoteSubscription } from '../../client/src/quotes';
import type { Instrument } from '../../lib/instrument';
import type { Limits, QuoteEntry } from '../../lib/protocol';
import { QUOTE_FIELDS } from '../../lib/quote';
import {
  connectionCommands,
  playToRest,
  ScriptedChannel,
  type AnswerOutcome,
  type ConnectionCommand,
  type PendingRequest,
} from '../support/scripted-channel';
import { testInstruments } from '../support/arbitraries';

/**
 * The client library's quote reconciler against a scripted server, through random interleavings of subscribing,
 * unsubscribing, ticks, dropped updates, refusals, late answers and reconnects: once every request is answered,
 * what the server holds is exactly what the live subscriptions want, at the lowest throttle any asks, and every
 * live subscription's quotes equal the server's.
 */
const SYMBOLS = ['AAA', 'BBB', 'CCC', 'DDD'];
const UNKNOWN = 'NOPE';
const THROTTLES = [undefined, 100, 250] as const;

/** The server's side of one connection: its market, what it holds for the connection, and how it answers. */
class QuoteServer extends ScriptedChannel<QuoteEntry> {
  /** The market: each symbol's seq and last price in ticks. */
  readonly market = new Map(SYMBOLS.map((symbol, i) => [symbol, { seq: 1, last: 1000 * (i + 1) }]));
  /** What this connection holds, with its throttle. */
  readonly held = new Map<string, number | undefined>();

  constructor() {
    super({ maxSymbolsPerRequest: 2 } as Limits);
  }

  instrument(symbol: string): Instrument | undefined {
    return SYMBOLS.includes(symbol) ? testInstruments([symbol], 'equity')[0] : undefined;
  }

  snapshot(symbol: string): QuoteEntry {
    const { seq, last } = this.market.get(symbol) ?? { seq: 0, last: 0 };
    const values = QUOTE_FIELDS.map((field) => (field === 'last' ? last : field === 'time' ? seq : 1));
    return [symbol, seq, 0, ...values];
  }

  tick(symbol: string): void {
    const state = this.market.get(symbol);
    if (!state) return;
    state.seq++;
    state.last++;
    // Each last change is a delta of last (bit 0) and time (bit 8), which the snapshot stamps with the seq.
    if (this.held.has(symbol)) this.queued.push([symbol, state.seq, 1 | (1 << 8), 1, 1]);
  }

  protected respond(request: PendingRequest, outcome: AnswerOutcome): void {
    if (request.event === 'unsubscribe') {
      for (const symbol of (request.payload as { symbols: string[] }).symbols) this.held.delete(symbol);
      request.ack({ ok: true, symbols: [...this.held.keys()] });
      return;
    }
    const { symbols, throttleMs } = request.payload as { symbols: string[]; throttleMs?: number };
    const unknown = symbols.filter((symbol) => !SYMBOLS.includes(symbol));
    if (outcome === 'busy') {
      request.ack({ ok: false, error: { code: 'RATE_LIMITED', message: 'slow down' } });
    } else if (unknown.length > 0) {
      request.ack({ ok: false, error: { code: 'UNKNOWN_SYMBOL', message: 'unknown', symbols: unknown } });
    } else {
      for (const symbol of symbols) this.held.set(symbol, throttleMs);
      request.ack({
        ok: true,
        symbols: [...this.held.keys()],
        snapshots: symbols.map((s) => this.snapshot(s)),
      });
    }
  }

  protected forget(): void {
    this.held.clear();
  }
}

type Command =
  | { kind: 'subscribe'; symbols: string[]; throttle: number | undefined }
  | { kind: 'tick'; symbol: string }
  | ConnectionCommand;

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('subscribe' as const),
      symbols: fc.subarray([...SYMBOLS, UNKNOWN], { minLength: 1 }).filter((s) => s.length < 5),
      throttle: fc.constantFrom(...THROTTLES),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant('tick' as const), symbol: fc.constantFrom(...SYMBOLS) }),
  },
  ...connectionCommands,
);

async function play(
  commands: readonly Command[],
): Promise<{ server: QuoteServer; subs: QuoteSubscription[] }> {
  const server = new QuoteServer();
  const registry = new QuoteRegistry(server);
  server.registry = registry;
  const subs: QuoteSubscription[] = [];
  await playToRest(
    server,
    subs,
    commands,
    (step: Exclude<Command, ConnectionCommand>) => {
      if (step.kind === 'subscribe')
        subs.push(registry.subscribe(step.symbols, { throttleMs: step.throttle }));
      else server.tick(step.symbol);
    },
    () => SYMBOLS.forEach((symbol) => server.tick(symbol)),
  );
  return { server, subs };
}

describe('quote subscriptions against a scripted server', () => {
  it('end holding exactly what live subscriptions want, with the server’s quotes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 10, maxLength: 80, size: 'max' }), async (commands) => {
        const { server, subs } = await play(commands);
        expect(server.pending).toEqual([]);
        const live = subs.filter((sub) => !sub.ended);
        for (const sub of subs) {
          if (sub.state === 'unsubscribed') continue;
          // A subscription naming an unknown symbol fails, naming it; every other one is live.
          if (sub.symbols.includes(UNKNOWN)) {
            expect(sub.state).toBe('failed');
            expect(sub.error?.symbols).toEqual([UNKNOWN]);
          } else {
            expect(sub.state).toBe('live');
          }
        }
        // Each wanted symbol at the lowest throttle a subscription asks for (the server's default if none asks).
        const asked = new Map<string, number[]>();
        for (const sub of live) {
          for (const symbol of sub.symbols) {
            const list = asked.get(symbol) ?? [];
            if (sub.throttleMs !== undefined) list.push(sub.throttleMs);
            asked.set(symbol, list);
          }
        }
        const wanted = new Map(
          [...asked].map(([symbol, list]) => [symbol, list.length > 0 ? Math.min(...list) : undefined]),
        );
        expect(new Map([...server.held].sort())).toEqual(new Map([...wanted].sort()));
        for (const sub of live) {
          for (const symbol of sub.symbols) {
            const quote = sub.get(symbol);
            const market = server.market.get(symbol);
            expect(quote?.seq, symbol).toBe(market?.seq);
            expect(quote?.ticks.last, symbol).toBe(market?.last);
            expect(quote?.stale, symbol).toBe(false);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
