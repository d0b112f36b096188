import { describe, expect, it } from 'vitest';
import type { Lots, Ticks } from '../../lib/nominal';
import type { Frame } from '../../lib/protocol';
import { SNAPSHOT } from '../../lib/quote';
import { FanOut, FLUSH_STEP_MS } from '../../server/fanout/fan-out';
import { MarketState } from '../../server/market/market-state';
import { testInstruments } from '../support/arbitraries';
import { ClientMirror } from '../support/client-mirror';
import { decodeFramePacket } from '../support/frames';
import { packetOf } from '../../server/fanout/wire';
import { ManualClock } from '../support/manual-clock';

const SYMBOLS = ['AAA', 'BBB', 'CCC', 'DDD'];

/** A fan-out on a manual clock with recording sinks whose draining a test switches on and off. */
function setup(options: { slowClientMs?: number; timerLateMs?: number } = {}) {
  const manual = new ManualClock();
  const late = options.timerLateMs ?? 0;
  // A clock whose timers fire late, as under load; time itself stays true.
  const clock = Object.assign(manual, {
    setTimer: (
      (setTimer) => (callback: () => void, ms: number) =>
        setTimer(callback, ms + late)
    )(manual.setTimer.bind(manual)),
  });
  const market = new MarketState(testInstruments(SYMBOLS), 100);
  const fanOut = new FanOut(market, {
    flushMs: 150,
    minFlushMs: 100,
    maxFlushMs: 1000,
    slowClientMs: options.slowClientMs ?? 60_000,
    clock,
  });
  let price = 1000;
  const trade = (symbol: string) => {
    price += 1;
    market.apply({
      type: 'trade',
      symbol,
      time: clock.now(),
      price: price as Ticks,
      size: 1 as Lots,
      bid: (price - 1) as Ticks,
      ask: (price + 1) as Ticks,
    });
  };
  for (const symbol of SYMBOLS) trade(symbol);
  const stop = fanOut.start();

  const connect = () => {
    const frames: { at: number; frame: Frame }[] = [];
    const state = {
      writable: true,
      closed: undefined as string | undefined,
      frames,
      mirror: new ClientMirror(),
    };
    const client = fanOut.addClient({
      send: (packet) => {
        if (!state.writable) throw new Error('sent to a connection that is not draining');
        const frame = decodeFramePacket(packetOf(packet));
        frames.push({ at: clock.now(), frame });
        state.mirror.frame(frame);
      },
      writable: () => state.writable,
      close: (reason) => {
        state.closed = reason;
      },
    });
    const subscribe = (symbols: string[], periodMs?: number) =>
      state.mirror.subscribed({ snapshots: fanOut.subscribe(client, symbols, periodMs) });
    const candles = (symbol: string, periodMs?: number) => {
      const stream = fanOut.subscribeCandles(client, symbol, '1s', 100, periodMs);
      if (stream) state.mirror.candlesSubscribed({ symbol, interval: '1s', ...stream });
    };
    return Object.assign(state, { client, subscribe, candles });
  };
  return { clock, market, fanOut, trade, connect, stop };
}

describe('fan-out flush periods', () => {
  it('honours each subscription’s period: a 100 ms chart gets 2.5 times the frames of a 250 ms board', () => {
    const { clock, trade, connect } = setup();
    const chart = connect();
    const board = connect();
    chart.subscribe(['AAA'], 100);
    board.subscribe(['AAA'], 250);
    for (let ms = 0; ms < 5000; ms += FLUSH_STEP_MS) {
      trade('AAA');
      clock.advance(FLUSH_STEP_MS);
    }
    expect(chart.frames.length).toBe(50);
    expect(board.frames.length).toBe(20);
    const gaps = (frames: { at: number }[]) =>
      frames.slice(1).map((f, i) => f.at - (frames[i] as { at: number }).at);
    expect(new Set(gaps(chart.frames))).toEqual(new Set([100]));
    expect(new Set(gaps(board.frames))).toEqual(new Set([250]));
  });

  it('sends one frame per step to a client holding symbols at two periods, with the changes of both', () => {
    const { clock, trade, connect } = setup();
    const client = connect();
    client.subscribe(['AAA'], 100);
    client.subscribe(['BBB'], 250);
    for (let ms = 0; ms < 1000; ms += FLUSH_STEP_MS) {
      trade('AAA');
      trade('BBB');
      clock.advance(FLUSH_STEP_MS);
    }
    const times = client.frames.map((f) => f.at);
    expect(new Set(times).size).toBe(times.length);
    const both = client.frames.filter((f) => f.frame.q?.length === 2);
    expect(both.length).toBe(2); // at 500 and 1000 ms: both periods are due
    expect(client.mirror.seqSteps).toEqual([]);
  });

  it('keeps a period’s rate when the timer runs late: a flush is delayed, never skipped', () => {
    const { clock, trade, connect } = setup({ timerLateMs: 10 });
    const chart = connect();
    chart.subscribe(['AAA'], 100);
    for (let ms = 0; ms < 7000; ms += 5) {
      trade('AAA');
      clock.advance(5);
    }
    // Steps come every 35 ms instead of 25; counting steps would flush every 140 ms (50 frames).
    expect(chart.frames.length).toBeGreaterThanOrEqual(69);
    expect(chart.frames.length).toBeLessThanOrEqual(70);
  });

  it('rounds a requested period to a 25 ms step within the server’s bounds', () => {
    const { fanOut } = setup();
    expect(fanOut.periodFor(undefined)).toBe(150);
    expect(fanOut.periodFor(10)).toBe(100);
    expect(fanOut.periodFor(260)).toBe(250);
    expect(fanOut.periodFor(99_999)).toBe(1000);
  });
});

describe('fan-out backpressure', () => {
  it('sends nothing to a client that is not draining, then one frame of snapshots when it drains', () => {
    const { clock, market, trade, connect } = setup();
    const slow = connect();
    const fast = connect();
    slow.subscribe(SYMBOLS, 100);
    fast.subscribe(SYMBOLS, 100);
    slow.candles('AAA', 100);
    clock.advance(100);
    slow.writable = false;
    const before = slow.frames.length;
    for (let i = 0; i < 200; i++) {
      for (const symbol of SYMBOLS) trade(symbol);
      clock.advance(FLUSH_STEP_MS);
    }
    expect(slow.frames.length).toBe(before);
    expect(fast.frames.length).toBeGreaterThan(40);
    // Conflated while behind: one owed entry per held feed, however many changes happened.
    expect(slow.client.owedQuotes.size).toBe(SYMBOLS.length);
    expect(slow.client.owedCandles.size).toBe(1);

    slow.writable = true;
    clock.advance(FLUSH_STEP_MS);
    expect(slow.frames.length).toBe(before + 1);
    const caughtUp = slow.frames.at(-1)?.frame as Frame;
    expect(caughtUp.q?.map((entry) => entry[2])).toEqual(SYMBOLS.map(() => SNAPSHOT));
    expect(caughtUp.c?.[0]?.[4]).toBe(1);
    for (const symbol of SYMBOLS) expect(slow.mirror.quote(symbol)).toEqual({ ...market.quote(symbol) });
    const bars = slow.mirror.bars('AAA', '1s') ?? [];
    expect(bars).toEqual(market.bars('AAA', '1s', bars.length));

    // And it is back on the normal path: deltas in sequence.
    trade('AAA');
    clock.advance(100);
    expect(slow.frames.at(-1)?.frame.q?.[0]?.[2]).not.toBe(SNAPSHOT);
    expect(slow.mirror.seqSteps).toEqual([]);
    expect(slow.mirror.gaps).toEqual([]);
  });

  it('disconnects a client that stays behind past the limit, and keeps serving the others', () => {
    const { clock, fanOut, trade, connect } = setup({ slowClientMs: 2000 });
    const slow = connect();
    const fast = connect();
    slow.subscribe(['AAA']);
    fast.subscribe(['AAA']);
    slow.writable = false;
    for (let ms = 0; ms <= 2500; ms += FLUSH_STEP_MS) {
      trade('AAA');
      clock.advance(FLUSH_STEP_MS);
    }
    expect(slow.closed).toMatch(/slow consumer/);
    expect(fanOut.clientCount).toBe(1);
    expect(fanOut.behindCount).toBe(0);
    const served = fast.frames.length;
    trade('AAA');
    clock.advance(150);
    expect(fast.frames.length).toBe(served + 1);
  });
});
