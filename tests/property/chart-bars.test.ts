import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BarSeries } from '../../lib/bar-series';
import { toBar, type Bar, type BarState, type Trade } from '../../lib/candles';
import {
  applyCandleEntry,
  chartFromAck,
  mergeBars,
  prependBars,
  replaceBarsFrom,
  trimBars,
  type ChartBars,
} from '../../lib/chart-bars';
import { INTERVALS, type Interval } from '../../lib/intervals';
import { lots, ticks, unixSeconds } from '../../lib/nominal';
import { barToTuple, type CandleEntry } from '../../lib/protocol';
import { firstDifference } from '../../server/market/market-replica';
import { denseTrades } from '../support/arbitraries';

const ALL = Number.MAX_SAFE_INTEGER;

/**
 * A server side candle stream: history, then batches of trades (in any order, so some are late). After each
 * batch the server sends the final state of every bar the batch touched, ascending, as the fan-out does.
 */
interface Scenario {
  interval: Interval;
  history: Trade[];
  batches: Trade[][];
  firstSeq: number;
}

const scenario: fc.Arbitrary<Scenario> = fc.record({
  interval: fc.constantFrom<Interval>(...INTERVALS),
  history: denseTrades(),
  batches: fc.array(denseTrades({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 12 }),
  firstSeq: fc.nat({ max: 1000 }),
});

interface Streamed {
  series: BarSeries;
  ack: ChartBars;
  entries: CandleEntry[];
}

function stream({ interval, history, batches, firstSeq }: Scenario, ackLimit = ALL): Streamed {
  const series = new BarSeries(interval, 10_000);
  for (const trade of history) series.add(trade);
  const ack = chartFromAck({
    ok: true,
    symbol: 'AAA',
    interval,
    seq: firstSeq,
    bars: series.slice(ackLimit).map(barToTuple),
  });
  let seq = firstSeq;
  const entries = batches.map((batch: Trade[]): CandleEntry => {
    const touched = new Set<BarState>();
    for (const trade of batch) {
      const bar = series.add(trade);
      if (bar) touched.add(bar);
    }
    const bars = [...touched].sort((a, b) => a.time - b.time).map(barToTuple);
    return ['AAA', interval, ++seq, bars];
  });
  return { series, ack, entries };
}

const serverBars = (series: BarSeries): Bar[] => series.slice(ALL).map(toBar);

const bar = (time: number, close: number): Bar => ({
  time: unixSeconds(time),
  open: ticks(3),
  high: ticks(100),
  low: ticks(1),
  close: ticks(close),
  volume: lots(10),
});

/**
 * Live trades after the history, as they come from a source: every streamed bar is at or after the first bar the
 * acknowledgement carried.
 */
const ordered = scenario.map((input) => {
  const all = [...input.history, ...input.batches.flat()].sort((a, b) => a.time - b.time);
  const cut = Math.floor(all.length / 2);
  const live = all.slice(cut);
  const batches = input.batches.map((batch) => live.splice(0, batch.length));
  return { ...input, history: all.slice(0, cut), batches };
});

describe('client chart bars', () => {
  it("reproduce the server's bars from the acknowledgement and the streamed candle entries", () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const { series, ack, entries } = stream(input);
        let chart = ack;
        for (const entry of entries) {
          const update = applyCandleEntry(chart, entry);
          expect(update.gap).toBe(false);
          expect(update.changed).toEqual(
            entry[3].map((tuple) => expect.objectContaining({ time: tuple[0] })),
          );
          chart = update.chart;
        }
        expect(chart.bars).toEqual(serverBars(series));
        expect(chart.seq).toBe(input.firstSeq + input.batches.length);
        expect(chart.stale).toBe(false);
      }),
    );
  });

  it('turn stale at a missed entry and hold their bars until the stream is subscribed again', () => {
    fc.assert(
      fc.property(
        scenario.filter(({ batches }) => batches.length >= 2),
        fc.nat(),
        (input, pick) => {
          const { ack, entries } = stream(input);
          const dropped = pick % (entries.length - 1);
          let chart = ack;
          for (const entry of entries.slice(0, dropped)) chart = applyCandleEntry(chart, entry).chart;
          const before = chart.bars;
          const update = applyCandleEntry(chart, entries[dropped + 1] as CandleEntry);
          expect(update.gap).toBe(true);
          expect(update.changed).toEqual([]);
          expect(update.chart.stale).toBe(true);
          expect(update.chart.bars).toBe(before);
          for (const entry of entries.slice(dropped + 2)) {
            const later = applyCandleEntry(update.chart, entry);
            expect(later.chart.bars).toBe(before);
            expect(later.changed).toEqual([]);
          }
        },
      ),
    );
  });

  it('ignore entries of another stream and entries already applied', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const { ack, entries } = stream(input);
        const first = entries[0] as CandleEntry;
        const applied = applyCandleEntry(ack, first).chart;
        expect(applyCandleEntry(applied, first)).toEqual({ chart: applied, changed: [], gap: false });
        const other: CandleEntry = ['BBB', first[1], first[2] + 1, first[3]];
        expect(applyCandleEntry(applied, other)).toEqual({ chart: applied, changed: [], gap: false });
      }),
    );
  });

  it("become the server's whole series when older history is put in front with prependBars", () => {
    fc.assert(
      fc.property(ordered, fc.integer({ min: 1, max: 20 }), (input, limit) => {
        const { series, ack, entries } = stream(input, limit);
        let chart = ack;
        for (const entry of entries) chart = applyCandleEntry(chart, entry).chart;
        const first = chart.bars[0];
        const older = first ? series.slice(ALL, first.time).map(toBar) : [];
        expect(prependBars(chart, older).bars).toEqual(serverBars(series));
      }),
    );
  });

  it("stay the server's newest bars when trimmed to a bound between entries", () => {
    fc.assert(
      fc.property(
        ordered,
        fc.array(fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }), { maxLength: 12 }),
        (input, keeps) => {
          const { series, ack, entries } = stream(input);
          let chart = ack;
          entries.forEach((entry, i) => {
            chart = applyCandleEntry(chart, entry).chart;
            const keep = keeps[i];
            if (keep === undefined) return;
            const trimmed = trimBars(chart, keep);
            expect(trimmed.bars.length).toBe(Math.min(keep, chart.bars.length));
            expect(trimmed === chart).toBe(chart.bars.length <= keep);
            expect(trimmed.seq).toBe(chart.seq);
            chart = trimmed;
          });
          expect(chart.bars).toEqual(serverBars(series).slice(series.slice(ALL).length - chart.bars.length));
          expect(chart.seq).toBe(input.firstSeq + input.batches.length);
        },
      ),
    );
  });

  it('keep their own bar where prepended history overlaps them', () => {
    const chart: ChartBars = {
      symbol: 'AAA',
      interval: '1m',
      seq: 3,
      bars: [bar(120, 5), bar(180, 6)],
      stale: false,
    };
    const filled = prependBars(chart, [bar(0, 1), bar(60, 2), bar(120, 99)]);
    expect(filled.bars).toEqual([bar(0, 1), bar(60, 2), bar(120, 5), bar(180, 6)]);
    expect(prependBars(chart, [bar(120, 99), bar(180, 99)])).toBe(chart);
  });

  it('merge updates into bars by time: replacing equal times, inserting new ones in order', () => {
    const merged = mergeBars([bar(60, 1), bar(180, 1)], [bar(0, 2), bar(120, 2), bar(180, 2), bar(240, 2)]);
    expect(merged).toEqual([bar(0, 2), bar(60, 1), bar(120, 2), bar(180, 2), bar(240, 2)]);
  });

  it("drop every bar from a reset's since on and take its bars there, keeping their own before it", () => {
    const chart: ChartBars = {
      symbol: 'AAA',
      interval: '1m',
      seq: 7,
      bars: [bar(0, 1), bar(60, 1), bar(120, 1), bar(180, 1)],
      stale: true,
    };
    // The server holds no bar at 120 any more, and another at 180 and 240.
    const reset: CandleEntry = ['AAA', '1m', 9, [barToTuple(bar(180, 2)), barToTuple(bar(240, 2))], 1, 120];
    const update = applyCandleEntry(chart, reset);
    expect(update.chart.bars).toEqual([bar(0, 1), bar(60, 1), bar(180, 2), bar(240, 2)]);
    expect(update).toMatchObject({ since: 120, gap: false, chart: { seq: 9, stale: false } });
    // Since 0: nothing held stands (another market), even with no bar sent.
    expect(applyCandleEntry(chart, ['AAA', '1m', 9, [], 1, 0]).chart.bars).toEqual([]);
    // A reset from a server that does not say where it starts is merged by time, as before.
    const merged = applyCandleEntry(chart, ['AAA', '1m', 9, [barToTuple(bar(180, 2))], 1]);
    expect(merged.chart.bars).toEqual([bar(0, 1), bar(60, 1), bar(120, 1), bar(180, 2)]);
    expect(merged).not.toHaveProperty('since');
  });
});

describe("a reset after the server's bars changed under a client", () => {
  const replaced = fc.record({
    interval: fc.constantFrom<Interval>(...INTERVALS),
    kept: denseTrades(),
    before: denseTrades(),
    after: denseTrades(),
    // A small history trims the oldest bars of the market after the change.
    historyBars: fc.constantFrom(5, 20, 10_000),
  });

  it("leaves the client with exactly the server's bars from the server's first on, whatever changed, came or went", () => {
    fc.assert(
      fc.property(replaced, ({ interval, kept, before, after, historyBars }) => {
        const was = new BarSeries(interval, 10_000);
        for (const trade of [...kept, ...before]) was.add(trade);
        const now = new BarSeries(interval, historyBars);
        for (const trade of [...kept, ...after]) now.add(trade);
        const since = firstDifference(was.slice(ALL), now);
        const truth = serverBars(now);
        const held = serverBars(was);
        const result =
          since === Infinity
            ? held
            : replaceBarsFrom(
                held,
                since,
                truth.filter((b) => b.time >= since),
              );
        const from = truth[0]?.time ?? -Infinity;
        expect(result.filter((b) => b.time >= from)).toEqual(truth);
        // Nothing before the difference is sent again.
        if (Number.isFinite(since) && since > 0) {
          expect(held.filter((b) => b.time < since)).toEqual(result.filter((b) => b.time < since));
        }
      }),
    );
  });

  it('finds no difference when nothing changed, and one at a bar that is gone', () => {
    const series = new BarSeries('1m', 100);
    for (const trade of denseTradesFixed()) series.add(trade);
    const all = series.slice(ALL);
    expect(firstDifference(all, series)).toBe(Infinity);
    const fewer = new BarSeries('1m', 100);
    const gone = all[1] as BarState;
    for (const kept of all) if (kept !== gone) fewer.put({ ...kept });
    expect(firstDifference(all, fewer)).toBe(gone.time);
    expect(firstDifference(all, new BarSeries('1m', 100))).toBe(0);
  });
});

/** Three trades a minute apart. */
function denseTradesFixed(): Trade[] {
  return [0, 1, 2].map((minute) => ({
    time: (Date.UTC(2025, 0, 7, 12, minute) + 1) as Trade['time'],
    price: ticks(100 + minute),
    size: lots(1),
  }));
}
