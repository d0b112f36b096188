import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Interval } from '../../lib/intervals';
import type { Lots, Ticks, UnixMillis } from '../../lib/nominal';
import type { Frame } from '../../lib/protocol';
import { SNAPSHOT } from '../../lib/quote';
import { FanOut, type Client } from '../../server/fanout/fan-out';
import {
  changeRow,
  decodeChanges,
  decodeCheckpoint,
  encodeChanges,
  encodeCheckpoint,
} from '../../server/market/change-codec';
import { MarketReplica } from '../../server/market/market-replica';
import { MarketState } from '../../server/market/market-state';
import { testInstruments } from '../support/arbitraries';
import { ClientMirror, streamKey } from '../support/client-mirror';
import { decodeFramePacket } from '../support/frames';
import { packetOf } from '../../server/fanout/wire';
import { ManualClock } from '../support/manual-clock';

const SYMBOLS = ['AAA', 'BBB', 'CCC'];
const INTERVALS_STREAMED: Interval[] = ['1s', '1m', '1d'];
const CLIENTS = 3;
/** Small, so that the 1s series trims its oldest bars during a run. */
const HISTORY_BARS = 30;

type Command =
  | { kind: 'trade'; symbol: string; advanceMs: number; lateMs: number; price: number; size: number }
  | { kind: 'quote'; symbol: string; advanceMs: number; bid: number; spread: number }
  | { kind: 'flush' }
  /** The replica misses the market's next changes, finds the hole and reloads a checkpoint. */
  | { kind: 'gap'; changes: number }
  | { kind: 'step'; ms: number }
  | { kind: 'stall' | 'drain'; client: number }
  | { kind: 'subscribe'; client: number; symbols: string[]; periodMs: number }
  | { kind: 'unsubscribe'; client: number; symbols: string[] }
  | { kind: 'subscribeCandles'; client: number; symbol: string; interval: Interval; periodMs: number }
  | { kind: 'unsubscribeCandles'; client: number; symbol: string; interval: Interval };

const symbol = fc.constantFrom(...SYMBOLS);
const client = fc.integer({ min: 0, max: CLIENTS - 1 });
const symbols = fc.subarray(SYMBOLS, { minLength: 1 });
/** Flush periods a subscription may ask for: the board's, the default and the chart's. */
const periodMs = fc.constantFrom(100, 150, 250);

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('trade' as const),
      symbol,
      advanceMs: fc.integer({ min: 0, max: 4000 }),
      // Mostly live trades; some arrive late, a few older than anything a small series keeps.
      lateMs: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, fc.integer({ min: 1, max: 120_000 })),
      price: fc.integer({ min: 1000, max: 1020 }),
      size: fc.integer({ min: 1, max: 50 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('quote' as const),
      symbol,
      advanceMs: fc.integer({ min: 0, max: 4000 }),
      bid: fc.integer({ min: 995, max: 1020 }),
      spread: fc.integer({ min: 1, max: 3 }),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'flush' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('gap' as const), changes: fc.integer({ min: 1, max: 5 }) }),
  },
  // Timer steps of the fan-out: each period flushes on its own schedule.
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('step' as const), ms: fc.constantFrom(25, 50, 100, 250) }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('stall' as const, 'drain' as const), client }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('subscribe' as const), client, symbols, periodMs }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('unsubscribe' as const), client, symbols }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('subscribeCandles' as const),
      client,
      symbol,
      interval: fc.constantFrom(...INTERVALS_STREAMED),
      periodMs,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('unsubscribeCandles' as const),
      client,
      symbol,
      interval: fc.constantFrom(...INTERVALS_STREAMED),
    }),
  },
);

interface Subscriber {
  client: Client;
  mirror: ClientMirror;
  /** What the test subscribed it to, kept apart from the fan-out's own bookkeeping. */
  symbols: Set<string>;
  streams: Set<string>;
  frames: { flush: number; frame: Frame }[];
  /** Whether its connection drains; frames must not be sent to it while it does not. */
  writable: boolean;
}

/**
 * Where the fan-out reads the market: the market state itself (one process), or a replica that follows its
 * changes through their serialized form, as a gateway does over Redis.
 */
type Mode = 'market' | 'replica';

/**
 * A replica of `market` fed with its changes as bytes, one at a time; `miss(n)` drops the next n, after which
 * the replica finds the hole at the following change and reloads a checkpoint (also as bytes).
 */
function follow(market: MarketState) {
  const replica = new MarketReplica(decodeCheckpoint(encodeCheckpoint(market.checkpoint())));
  let missing = 0;
  const reload = () => replica.reload(decodeCheckpoint(encodeCheckpoint(market.checkpoint())));
  market.onChange((change) => {
    if (missing > 0) {
      missing--;
      return;
    }
    const [copy] = decodeChanges(encodeChanges([changeRow(change)]));
    if (copy && !replica.apply(copy)) reload();
  });
  return {
    replica,
    miss: (changes: number) => (missing = changes),
    /** As a gateway does when the stream ends: holes are found by the next change, or at the end, here. */
    catchUp: () => {
      missing = 0;
      if (replica.position !== market.position) reload();
    },
  };
}

/** Runs the commands against a real market and fan-out, checking every flush, and returns what to compare. */
function run(commands: readonly Command[], mode: Mode = 'market') {
  const clock = new ManualClock();
  const market = new MarketState(testInstruments(SYMBOLS), HISTORY_BARS);
  const follower = mode === 'replica' ? follow(market) : undefined;
  const fanOut = new FanOut(follower?.replica ?? market, {
    flushMs: 150,
    minFlushMs: 100,
    maxFlushMs: 1000,
    slowClientMs: Number.MAX_SAFE_INTEGER,
    clock,
  });
  const stop = fanOut.start();
  let now: number = clock.now();
  let flushes = 0;
  let flushing = false;

  const trade = (symbol: string, time: number, price: number, size: number) =>
    market.apply({
      type: 'trade',
      symbol,
      time: time as UnixMillis,
      price: price as Ticks,
      size: size as Lots,
      bid: (price - 1) as Ticks,
      ask: (price + 1) as Ticks,
    });
  // Every symbol has traded before anyone subscribes, as after the server's backfill. A symbol that never traded
  // has no snapshot to give, and the client would ignore its first delta (it does not hold the symbol yet).
  for (const s of SYMBOLS) trade(s, now, 1000, 1);

  const subscribers: Subscriber[] = Array.from({ length: CLIENTS }, () => {
    const subscriber = {
      mirror: new ClientMirror(),
      symbols: new Set<string>(),
      streams: new Set<string>(),
      frames: [],
      writable: true,
    } as Omit<Subscriber, 'client'> as Subscriber;
    subscriber.client = fanOut.addClient({
      send(packet) {
        expect(subscriber.writable, 'a frame was sent to a connection that is not draining').toBe(true);
        const frame = decodeFramePacket(packetOf(packet));
        subscriber.frames.push({ flush: flushing ? flushes : -frame.t, frame });
        subscriber.mirror.frame(frame);
      },
      writable: () => subscriber.writable,
      close: () => {
        throw new Error('no client is slow for long enough to be disconnected here');
      },
    });
    return subscriber;
  });

  /** At most one frame per client per timer step (each step has its own time). */
  const checkSteps = (): void => {
    for (const subscriber of subscribers) {
      const times = subscriber.frames.filter((f) => f.flush < 0).map((f) => f.frame.t);
      expect(new Set(times).size).toBe(times.length);
    }
  };

  const flush = (): void => {
    flushes++;
    flushing = true;
    fanOut.flush();
    flushing = false;
    // By feed: one per symbol and period.
    const built = new Map<unknown, string>();
    for (const subscriber of subscribers) {
      const sent = subscriber.frames.filter((f) => f.flush === flushes);
      expect(sent.length).toBeLessThanOrEqual(1);
      for (const { frame } of sent) {
        expect(frame.t).toBe(clock.now());
        for (const entry of frame.q ?? []) {
          expect(subscriber.symbols).toContain(entry[0]);
          // One delta per symbol and period per flush, the same for every subscriber of that period (a client
          // catching up gets a snapshot instead).
          if (entry[2] === SNAPSHOT) continue;
          const key = subscriber.client.symbols.get(entry[0]);
          const text = JSON.stringify(entry);
          const shared = built.get(key) ?? text;
          built.set(key, shared);
          expect(text).toBe(shared);
        }
        for (const [s, interval] of frame.c ?? [])
          expect(subscriber.streams).toContain(streamKey(s, interval));
      }
    }
  };

  for (const c of commands) {
    switch (c.kind) {
      case 'step':
        clock.advance(c.ms);
        checkSteps();
        break;
      case 'stall':
      case 'drain':
        (subscribers[c.client] as Subscriber).writable = c.kind === 'drain';
        break;
      case 'trade':
        now += c.advanceMs;
        trade(c.symbol, now - c.lateMs, c.price, c.size);
        break;
      case 'quote':
        now += c.advanceMs;
        market.apply({
          type: 'quote',
          symbol: c.symbol,
          time: now as UnixMillis,
          bid: c.bid as Ticks,
          ask: (c.bid + c.spread) as Ticks,
        });
        break;
      case 'flush':
        flush();
        break;
      case 'gap':
        follower?.miss(c.changes);
        break;
      case 'subscribe': {
        const s = subscribers[c.client] as Subscriber;
        const snapshots = fanOut.subscribe(s.client, c.symbols, c.periodMs);
        expect(snapshots.map((snapshot) => snapshot[0])).toEqual(c.symbols);
        s.mirror.subscribed({ snapshots });
        for (const symbol of c.symbols) s.symbols.add(symbol);
        break;
      }
      case 'unsubscribe': {
        const s = subscribers[c.client] as Subscriber;
        fanOut.unsubscribe(s.client, c.symbols);
        s.mirror.unsubscribed(c.symbols);
        for (const symbol of c.symbols) s.symbols.delete(symbol);
        break;
      }
      case 'subscribeCandles': {
        const s = subscribers[c.client] as Subscriber;
        const stream = fanOut.subscribeCandles(s.client, c.symbol, c.interval, 10 * HISTORY_BARS, c.periodMs);
        expect(stream).toBeDefined();
        if (stream) s.mirror.candlesSubscribed({ symbol: c.symbol, interval: c.interval, ...stream });
        s.streams.add(streamKey(c.symbol, c.interval));
        break;
      }
      case 'unsubscribeCandles': {
        const s = subscribers[c.client] as Subscriber;
        fanOut.unsubscribeCandles(s.client, c.symbol, c.interval);
        s.mirror.candlesUnsubscribed(c.symbol, c.interval);
        s.streams.delete(streamKey(c.symbol, c.interval));
        break;
      }
    }
  }
  // Every connection drains at last; the next flush brings the ones that fell behind up to date.
  for (const subscriber of subscribers) subscriber.writable = true;
  follower?.catchUp();
  flush();
  stop();
  return { market, subscribers, replica: follower?.replica };
}

describe.each<Mode>(['market', 'replica'])('fan-out conflation reading the %s', (mode) => {
  it("leaves every client's mirror equal to the server's state after a final flush, whatever the interleaving of ticks, flushes, periods and stalls", () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 150 }), (commands) => {
        const { market, subscribers, replica } = run(commands, mode);
        if (replica) expect(replica.checkpoint()).toEqual(market.checkpoint());
        for (const { mirror, symbols, streams } of subscribers) {
          expect(mirror.strays).toEqual([]);
          expect(mirror.seqSteps).toEqual([]);
          expect(mirror.gaps).toEqual([]);

          expect(Object.keys(mirror.book).sort()).toEqual([...symbols].sort());
          for (const symbol of symbols) {
            expect(mirror.book[symbol]?.stale).toBe(false);
            expect(mirror.quote(symbol)).toEqual({ ...market.quote(symbol) });
          }

          expect([...mirror.charts.keys()].sort()).toEqual([...streams].sort());
          for (const [key, chart] of mirror.charts) {
            expect(chart.stale, key).toBe(false);
            const server = market.bars(chart.symbol, chart.interval, 10 * HISTORY_BARS);
            // The client keeps bars the server has since trimmed; from the server's oldest bar on, they agree.
            const from = server[0]?.time ?? Infinity;
            expect(
              chart.bars.filter((bar) => bar.time >= from),
              key,
            ).toEqual(server);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('sends a client nothing at all while it holds nothing', () => {
    fc.assert(
      fc.property(
        fc
          .array(command, { maxLength: 80 })
          .map((commands) =>
            commands.map((c) => ('client' in c ? { ...c, client: 1 + (c.client % (CLIENTS - 1)) } : c)),
          ),
        (commands) => {
          const { subscribers } = run(commands, mode);
          expect(subscribers[0]?.frames).toEqual([]);
        },
      ),
    );
  });
});
