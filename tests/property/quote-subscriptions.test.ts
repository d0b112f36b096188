import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Channel } from '../../client/src/channel';
import { QuoteRegistry, type QuoteSubscription } from '../../client/src/quotes';
import type { Instrument } from '../../lib/instrument';
import type { ClientToServerEvents, Limits, QuoteEntry } from '../../lib/protocol';
import { QUOTE_FIELDS } from '../../lib/quote';

/**
 * The client library's quote reconciler against a scripted server, through random interleavings of subscribing,
 * unsubscribing, ticks, dropped updates, refusals, late answers and reconnects: once every request is answered,
 * what the server holds is exactly what the live subscriptions want, at the lowest throttle any asks, and every
 * live subscription's quotes equal the server's.
 */
const SYMBOLS = ['AAA', 'BBB', 'CCC', 'DDD'];
const UNKNOWN = 'NOPE';
const THROTTLES = [undefined, 100, 250] as const;

const instrument = (symbol: string): Instrument => ({
  symbol,
  name: symbol,
  assetClass: 'equity',
  tickSize: 0.01,
  precision: 2,
  lotSize: 1,
  sizePrecision: 0,
  currency: 'USD',
});

type Pending = {
  epoch: number;
  event: keyof ClientToServerEvents;
  payload: unknown;
  ack: (answer: unknown) => void;
};

/** The server's side of one connection, answering when the test says so, in order of arrival. */
class ScriptedServer implements Channel {
  ready = false;
  epoch = 0;
  readonly limits = { maxSymbolsPerRequest: 2 } as Limits;
  /** The market: each symbol's seq and last price in ticks. */
  readonly market = new Map(SYMBOLS.map((symbol, i) => [symbol, { seq: 1, last: 1000 * (i + 1) }]));
  /** What this connection holds, with its throttle. */
  readonly held = new Map<string, number | undefined>();
  pending: Pending[] = [];
  queued: QuoteEntry[] = [];
  timers: (() => void)[] = [];
  registry: QuoteRegistry | undefined;

  instrument(symbol: string): Instrument | undefined {
    return SYMBOLS.includes(symbol) ? instrument(symbol) : undefined;
  }

  emit(event: keyof ClientToServerEvents, payload: unknown, ack: (answer: never) => void): void {
    this.pending.push({ epoch: this.epoch, event, payload, ack: ack as (answer: unknown) => void });
  }

  later(_attempt: number, retry: () => void): void {
    this.timers.push(retry);
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

  flush(drop: number | undefined): void {
    const entries = this.queued.filter((_, i) => i !== drop);
    this.queued = [];
    if (entries.length > 0 && this.ready) this.registry?.frame(entries);
  }

  /** Answers the oldest request of this connection, after the frames queued before it, as a socket would. */
  answer(outcome: 'ok' | 'busy'): void {
    const request = this.pending.shift();
    if (!request || request.epoch !== this.epoch) return;
    this.flush(undefined);
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

  disconnect(): void {
    this.ready = false;
    this.epoch++;
    this.held.clear();
    this.pending = [];
    this.queued = [];
    this.registry?.disconnected();
  }

  connect(): void {
    this.ready = true;
    this.registry?.reconcile();
  }
}

type Command =
  | { kind: 'subscribe'; symbols: string[]; throttle: number | undefined }
  | { kind: 'unsubscribe'; which: number }
  | { kind: 'tick'; symbol: string }
  | { kind: 'flush'; drop: number | undefined }
  | { kind: 'answer'; outcome: 'ok' | 'busy' }
  | { kind: 'timers' | 'disconnect' | 'connect' };

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('subscribe' as const),
      symbols: fc.subarray([...SYMBOLS, UNKNOWN], { minLength: 1 }).filter((s) => s.length < 5),
      throttle: fc.constantFrom(...THROTTLES),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('unsubscribe' as const), which: fc.nat(20) }) },
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant('tick' as const), symbol: fc.constantFrom(...SYMBOLS) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('flush' as const),
      drop: fc.option(fc.nat(3), { nil: undefined, freq: 3 }),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('answer' as const),
      outcome: fc.constantFrom('ok' as const, 'ok' as const, 'busy' as const),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'timers' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'disconnect' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'connect' as const }) },
);

/** Lets the reconciler's queued microtasks run. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

async function drain(server: ScriptedServer): Promise<void> {
  for (let round = 0; round < 100; round++) {
    await settle();
    server.timers.splice(0).forEach((run) => run());
    if (server.pending.length === 0 && server.timers.length === 0) break;
    while (server.pending.length > 0) server.answer('ok');
  }
  server.flush(undefined);
  await settle();
}

async function play(
  commands: readonly Command[],
): Promise<{ server: ScriptedServer; subs: QuoteSubscription[] }> {
  const server = new ScriptedServer();
  const registry = new QuoteRegistry(server);
  server.registry = registry;
  const subs: QuoteSubscription[] = [];
  for (const step of commands) {
    if (step.kind === 'subscribe') subs.push(registry.subscribe(step.symbols, { throttleMs: step.throttle }));
    else if (step.kind === 'unsubscribe') subs[step.which % Math.max(1, subs.length)]?.unsubscribe();
    else if (step.kind === 'tick') server.tick(step.symbol);
    else if (step.kind === 'flush') server.flush(step.drop);
    else if (step.kind === 'answer') server.answer(step.outcome);
    else if (step.kind === 'timers') server.timers.splice(0).forEach((run) => run());
    else if (step.kind === 'disconnect') server.disconnect();
    else if (!server.ready) server.connect();
    await Promise.resolve();
  }
  // Quiescence: connected, every pause over, every request answered, every frame delivered; then one more change
  // of every symbol, since a dropped update shows only at the next one, and quiescence again.
  if (!server.ready) server.connect();
  await drain(server);
  for (const symbol of SYMBOLS) server.tick(symbol);
  server.flush(undefined);
  await drain(server);
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
