import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Lots, Ticks, UnixMillis } from '../../lib/nominal';
import type { QuoteEntry } from '../../lib/protocol';
import { diffQuote, FULL_MASK, SNAPSHOT, snapshotValues, type Quote } from '../../lib/quote';
import { applyDeltas, applySnapshot, type QuoteBook } from '../../lib/quote-book';

/** Fields drawn from tiny ranges, so consecutive quotes share some fields and differ in others. */
const quote: fc.Arbitrary<Quote> = fc
  .tuple(...Array.from({ length: 9 }, () => fc.integer({ min: 1, max: 3 })))
  .map(([last, bid, ask, open, high, low, prevClose, volume, time]) => ({
    last: last as Ticks,
    bid: bid as Ticks,
    ask: ask as Ticks,
    open: open as Ticks,
    high: high as Ticks,
    low: low as Ticks,
    prevClose: prevClose as Ticks,
    volume: volume as Lots,
    time: time as UnixMillis,
  }));

interface Stream {
  snapshot: QuoteEntry;
  deltas: QuoteEntry[];
  /** The server's quote after each delta; `states[0]` is the snapshot's. */
  states: Quote[];
}

/** What the server sends for a sequence of quotes of one symbol: a snapshot, then one delta per change. */
function serve(symbol: string, firstSeq: number, quotes: readonly Quote[]): Stream {
  const [first, ...rest] = quotes;
  if (!first) throw new Error('a stream needs a first quote');
  let seq = firstSeq;
  const stream: Stream = {
    snapshot: [symbol, seq, SNAPSHOT, ...snapshotValues(first)],
    deltas: [],
    states: [first],
  };
  let published = first;
  for (const next of rest) {
    const { mask, values } = diffQuote(published, next);
    // The fan-out sends nothing when nothing changed, and spends no sequence number on it.
    if (mask === 0) continue;
    stream.deltas.push([symbol, ++seq, mask, ...values]);
    stream.states.push(next);
    published = next;
  }
  return stream;
}

/** Two symbols' deltas interleaved in the order the server would send them, cut into frames. */
const twoStreams = fc
  .record({
    a: fc.array(quote, { minLength: 3, maxLength: 40 }),
    b: fc.array(quote, { minLength: 1, maxLength: 40 }),
    firstSeqA: fc.nat({ max: 1000 }),
    firstSeqB: fc.nat({ max: 1000 }),
  })
  .map(({ a, b, firstSeqA, firstSeqB }) => ({ a: serve('AAA', firstSeqA, a), b: serve('BBB', firstSeqB, b) }))
  .chain(({ a, b }) =>
    fc.record({
      a: fc.constant(a),
      b: fc.constant(b),
      // Which stream each next delta comes from, and after which deltas a frame ends.
      order: fc.shuffledSubarray([...a.deltas.map(() => 'a' as const), ...b.deltas.map(() => 'b' as const)], {
        minLength: a.deltas.length + b.deltas.length,
        maxLength: a.deltas.length + b.deltas.length,
      }),
      cuts: fc.array(fc.boolean(), { minLength: a.deltas.length + b.deltas.length }),
    }),
  );

/** Deltas of both streams merged per `order` (keeping each stream's own order), cut into frames per `cuts`. */
function frames(
  a: readonly QuoteEntry[],
  b: readonly QuoteEntry[],
  order: readonly ('a' | 'b')[],
  cuts: readonly boolean[],
) {
  const queues = { a: [...a], b: [...b] };
  const out: QuoteEntry[][] = [[]];
  order.forEach((from, i) => {
    const entry = queues[from].shift();
    if (entry) out[out.length - 1]?.push(entry);
    if (cuts[i]) out.push([]);
  });
  return out.filter((frame) => frame.length > 0);
}

function start(...snapshots: QuoteEntry[]): QuoteBook {
  return snapshots.reduce<QuoteBook>((book, snapshot) => applySnapshot(book, snapshot), {});
}

describe('client quote book', () => {
  it("reproduces the server's quotes exactly from a snapshot and its deltas, in any framing", () => {
    fc.assert(
      fc.property(twoStreams, ({ a, b, order, cuts }) => {
        let book = start(a.snapshot, b.snapshot);
        for (const frame of frames(a.deltas, b.deltas, order, cuts)) {
          const update = applyDeltas(book, frame);
          expect(update.gaps).toEqual([]);
          book = update.book;
        }
        expect(book.AAA).toEqual({
          seq: a.snapshot[1] + a.deltas.length,
          quote: a.states.at(-1),
          stale: false,
        });
        expect(book.BBB).toEqual({
          seq: b.snapshot[1] + b.deltas.length,
          quote: b.states.at(-1),
          stale: false,
        });
      }),
    );
  });

  it('detects a dropped delta as a gap, holds the symbol where it was, and refuses every later delta', () => {
    fc.assert(
      fc.property(
        twoStreams.filter(({ a }) => a.deltas.length >= 2),
        fc.nat(),
        ({ a, b, order, cuts }, pick) => {
          const dropped = pick % (a.deltas.length - 1);
          const held = { seq: a.snapshot[1] + dropped, quote: a.states[dropped] };
          let book = start(a.snapshot, b.snapshot);
          const gaps: string[] = [];
          const sent = a.deltas.filter((_, i) => i !== dropped);
          for (const frame of frames(sent, b.deltas, order, cuts)) {
            const update = applyDeltas(book, frame);
            gaps.push(...update.gaps);
            book = update.book;
            // Never a quote the server did not have at that seq: AAA is either on track or frozen.
            const entry = book.AAA;
            if (entry?.stale) expect({ seq: entry.seq, quote: entry.quote }).toEqual(held);
          }
          expect(gaps).toContain('AAA');
          expect(gaps.filter((symbol) => symbol !== 'AAA')).toEqual([]);
          expect(book.AAA).toEqual({ ...held, stale: true });
          // The other symbol is not disturbed.
          expect(book.BBB?.quote).toEqual(b.states.at(-1));
          expect(book.BBB?.stale).toBe(false);
        },
      ),
    );
  });

  it('heals a gap with a snapshot, after which deltas apply again', () => {
    fc.assert(
      fc.property(
        twoStreams.filter(({ a }) => a.deltas.length >= 2),
        fc.nat(),
        quote,
        ({ a, b, order, cuts }, pick, after) => {
          const dropped = pick % (a.deltas.length - 1);
          let book = start(a.snapshot, b.snapshot);
          for (const frame of frames(
            a.deltas.filter((_, i) => i !== dropped),
            b.deltas,
            order,
            cuts,
          )) {
            book = applyDeltas(book, frame).book;
          }
          expect(book.AAA?.stale).toBe(true);

          const last = a.states.at(-1) as Quote;
          const seq = a.snapshot[1] + a.deltas.length;
          book = applySnapshot(book, ['AAA', seq, SNAPSHOT, ...snapshotValues(last)]);
          expect(book.AAA).toEqual({ seq, quote: last, stale: false });

          const next = { ...after, last: (last.last + 1) as Ticks };
          const delta = diffQuote(last, next);
          const update = applyDeltas(book, [['AAA', seq + 1, delta.mask, ...delta.values]]);
          expect(update.gaps).toEqual([]);
          expect(update.book.AAA).toEqual({ seq: seq + 1, quote: next, stale: false });
        },
      ),
    );
  });

  it('ignores deltas it has already applied (a replay, or deltas overtaken by a snapshot)', () => {
    fc.assert(
      fc.property(twoStreams, ({ a, b }) => {
        const book = applyDeltas(start(a.snapshot, b.snapshot), [...a.deltas, ...b.deltas]).book;
        const replay = applyDeltas(book, [...a.deltas, ...b.deltas]);
        expect(replay.gaps).toEqual([]);
        expect(replay.book).toBe(book);
      }),
    );
  });

  it('ignores deltas of symbols it does not hold', () => {
    fc.assert(
      fc.property(twoStreams, ({ a, b }) => {
        const book = start(a.snapshot);
        const update = applyDeltas(book, b.deltas);
        expect(update).toEqual({ book, gaps: [] });
      }),
    );
  });

  it('turns a symbol stale when a delta does not decode, rather than applying part of it', () => {
    fc.assert(
      fc.property(
        twoStreams.filter(({ a }) => a.deltas.length >= 1),
        ({ a }) => {
          const [symbol, seq, mask, ...values] = a.deltas[0] as QuoteEntry;
          const book = start(a.snapshot);
          const update = applyDeltas(book, [[symbol, seq, mask, ...values, 7]]);
          expect(update.gaps).toEqual(['AAA']);
          expect(update.book.AAA).toEqual({ seq: a.snapshot[1], quote: a.states[0], stale: true });
        },
      ),
    );
  });

  it('refuses a snapshot that does not carry every field', () => {
    expect(() => applySnapshot({}, ['AAA', 1, FULL_MASK, 1, 2, 3, 4, 5, 6, 7, 8, 9])).toThrow(/AAA/);
    expect(() => applySnapshot({}, ['AAA', 1, SNAPSHOT, 1, 2, 3, 4, 5, 6, 7, 8])).toThrow(/AAA/);
  });
});
