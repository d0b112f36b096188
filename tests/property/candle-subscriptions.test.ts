import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CandleRegistry, type CandleSubscription } from '../../client/src/candles';
import type { Instrument } from '../../lib/instrument';
import type { Interval } from '../../lib/intervals';
import { tupleToBar, type BarTuple, type CandleEntry, type Limits } from '../../lib/protocol';
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
/** The most bars a subscription holds: trades open more than this on a stream in most runs. */
const MAX_BARS = 6;
const keyOf = (symbol: string, interval: Interval) => `${symbol} ${interval}`;

/** The server's side of one connection: its streams' bars, which it holds for the connection, and its answers. */
class CandleServer extends ScriptedChannel<CandleEntry> {
  readonly streams = new Map(
    STREAMS.map(([s, i]) => [keyOf(s, i), { seq: 0, bars: [[0, 10, 10, 10, 10, 1]] as BarTuple[] }]),
  );
  readonly held = new Set<string>();

  constructor() {
    super({ maxCandleStreams: 4 } as Limits);
  }

  instrument(symbol: string): Instrument | undefined {
    return testInstruments([symbol], 'crypto')[0];
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

  protected respond(request: PendingRequest, outcome: AnswerOutcome): void {
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

  protected forget(): void {
    this.held.clear();
  }
}

type Command =
  | { kind: 'subscribe'; stream: number }
  | { kind: 'trade'; stream: number; opens: boolean }
  | ConnectionCommand;

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('subscribe' as const), stream: fc.nat(STREAMS.length - 1) }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('trade' as const),
      stream: fc.nat(STREAMS.length - 1),
      opens: fc.boolean(),
    }),
  },
  ...connectionCommands,
);

async function play(commands: readonly Command[]) {
  const server = new CandleServer();
  const registry = new CandleRegistry(server);
  server.registry = registry;
  const subs: CandleSubscription[] = [];
  await playToRest(
    server,
    subs,
    commands,
    (step: Exclude<Command, ConnectionCommand>) => {
      if (step.kind === 'trade') return server.trade(step.stream, step.opens);
      const [symbol, interval] = STREAMS[step.stream] ?? ['AAA', '1m'];
      subs.push(registry.subscribe(symbol, interval, { limit: LIMIT, maxBars: MAX_BARS }));
    },
    () => STREAMS.forEach((_, i) => server.trade(i, false)),
  );
  return { server, subs };
}

describe('candle subscriptions against a scripted server', () => {
  it('end holding exactly the streams live subscriptions want, with the server’s newest bars, at most maxBars', async () => {
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
          expect(bars.length).toBeLessThanOrEqual(MAX_BARS);
          expect(bars).toEqual((stream?.bars ?? []).slice(-bars.length).map(tupleToBar));
          expect(sub.chart?.seq).toBe(stream?.seq);
          expect(sub.chart?.stale).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });
});
