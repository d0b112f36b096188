import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CandleRegistry, type CandleSubscription } from '../../client/src/candles';
import type { Channel } from '../../client/src/channel';
import type { Instrument } from '../../lib/instrument';
import type { Interval } from '../../lib/intervals';
import {
  tupleToBar,
  type BarTuple,
  type CandleEntry,
  type ClientToServerEvents,
  type Limits,
} from '../../lib/protocol';

/**
 * The client library's candle reconciler against a scripted server, through random interleavings of chart
 * switches, trades, dropped entries, refusals, late answers and reconnects: once every request is answered, the
 * server holds exactly the streams live subscriptions want, and each one's bars equal the server's newest.
 */
const STREAMS: [string, Interval][] = [
  ['AAA', '1m'],
  ['AAA', '5m'],
  ['BBB', '1m'],
];
const LIMIT = 5;
const keyOf = (symbol: string, interval: Interval) => `${symbol} ${interval}`;

const instrument = (symbol: string): Instrument => ({
  symbol,
  name: symbol,
  assetClass: 'crypto',
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

class ScriptedServer implements Channel {
  ready = false;
  epoch = 0;
  readonly limits = { maxCandleStreams: 4 } as Limits;
  readonly streams = new Map(
    STREAMS.map(([s, i]) => [keyOf(s, i), { seq: 0, bars: [[0, 10, 10, 10, 10, 1]] as BarTuple[] }]),
  );
  readonly held = new Set<string>();
  pending: Pending[] = [];
  queued: CandleEntry[] = [];
  timers: (() => void)[] = [];
  registry: CandleRegistry | undefined;

  instrument(symbol: string): Instrument | undefined {
    return instrument(symbol);
  }

  emit(event: keyof ClientToServerEvents, payload: unknown, ack: (answer: never) => void): void {
    this.pending.push({ epoch: this.epoch, event, payload, ack: ack as (answer: unknown) => void });
  }

  later(_attempt: number, retry: () => void): void {
    this.timers.push(retry);
  }

  /** A trade on a stream: it moves the newest bar, or opens the next one. */
  trade(index: number, opens: boolean): void {
    const [symbol, interval] = STREAMS[index % STREAMS.length] ?? STREAMS[0] ?? ['AAA', '1m'];
    const stream = this.streams.get(keyOf(symbol, interval));
    const last = stream?.bars.at(-1);
    if (!stream || !last) return;
    const [time, , high, low, close, volume] = last;
    const bar: BarTuple = opens
      ? [time + 60, close, close + 1, close, close + 1, 1]
      : [time, last[1], Math.max(high, close + 1), low, close + 1, volume + 1];
    if (opens) stream.bars.push(bar);
    else stream.bars[stream.bars.length - 1] = bar;
    stream.seq++;
    if (this.held.has(keyOf(symbol, interval))) this.queued.push([symbol, interval, stream.seq, [bar]]);
  }

  flush(drop: number | undefined): void {
    const entries = this.queued.filter((_, i) => i !== drop);
    this.queued = [];
    if (entries.length > 0 && this.ready) this.registry?.frame(entries);
  }

  answer(outcome: 'ok' | 'busy'): void {
    const request = this.pending.shift();
    if (!request || request.epoch !== this.epoch) return;
    this.flush(undefined);
    const { symbol, interval, limit } = request.payload as {
      symbol: string;
      interval: Interval;
      limit?: number;
    };
    const key = keyOf(symbol, interval);
    if (request.event === 'unsubscribeCandles') {
      this.held.delete(key);
      request.ack({ ok: true });
    } else if (outcome === 'busy') {
      request.ack({ ok: false, error: { code: 'SLOW_CONSUMER', message: 'drain first' } });
    } else {
      const stream = this.streams.get(key);
      this.held.add(key);
      request.ack({
        ok: true,
        symbol,
        interval,
        seq: stream?.seq ?? 0,
        bars: stream?.bars.slice(-(limit ?? 500)) ?? [],
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
  | { kind: 'subscribe'; stream: number }
  | { kind: 'unsubscribe'; which: number }
  | { kind: 'trade'; stream: number; opens: boolean }
  | { kind: 'flush'; drop: number | undefined }
  | { kind: 'answer'; outcome: 'ok' | 'busy' }
  | { kind: 'timers' | 'disconnect' | 'connect' };

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('subscribe' as const), stream: fc.nat(STREAMS.length - 1) }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('unsubscribe' as const), which: fc.nat(20) }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('trade' as const),
      stream: fc.nat(STREAMS.length - 1),
      opens: fc.boolean(),
    }),
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

async function play(commands: readonly Command[]) {
  const server = new ScriptedServer();
  const registry = new CandleRegistry(server);
  server.registry = registry;
  const subs: CandleSubscription[] = [];
  for (const step of commands) {
    if (step.kind === 'subscribe') {
      const [symbol, interval] = STREAMS[step.stream] ?? ['AAA', '1m'];
      subs.push(registry.subscribe(symbol, interval, { limit: LIMIT }));
    } else if (step.kind === 'unsubscribe') subs[step.which % Math.max(1, subs.length)]?.unsubscribe();
    else if (step.kind === 'trade') server.trade(step.stream, step.opens);
    else if (step.kind === 'flush') server.flush(step.drop);
    else if (step.kind === 'answer') server.answer(step.outcome);
    else if (step.kind === 'timers') server.timers.splice(0).forEach((run) => run());
    else if (step.kind === 'disconnect') server.disconnect();
    else if (!server.ready) server.connect();
    await Promise.resolve();
  }
  // Quiescence, then a trade on every stream (a dropped entry shows only at the next one), and quiescence again.
  if (!server.ready) server.connect();
  await drain(server);
  STREAMS.forEach((_, i) => server.trade(i, false));
  server.flush(undefined);
  await drain(server);
  return { server, subs };
}

describe('candle subscriptions against a scripted server', () => {
  it('end holding exactly the streams live subscriptions want, with the server’s newest bars', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 10, maxLength: 80, size: 'max' }), async (commands) => {
        const { server, subs } = await play(commands);
        const live = subs.filter((sub) => !sub.ended);
        expect(live.every((sub) => sub.state === 'live')).toBe(true);
        expect([...server.held].sort()).toEqual(
          [...new Set(live.map((s) => keyOf(s.symbol, s.interval)))].sort(),
        );
        for (const sub of live) {
          const stream = server.streams.get(keyOf(sub.symbol, sub.interval));
          const bars = sub.chart?.bars ?? [];
          expect(bars.length).toBeGreaterThanOrEqual(Math.min(LIMIT, stream?.bars.length ?? 0));
          expect(bars).toEqual((stream?.bars ?? []).slice(-bars.length).map(tupleToBar));
          expect(sub.chart?.seq).toBe(stream?.seq);
          expect(sub.chart?.stale).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });
});
