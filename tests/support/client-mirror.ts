import type { Bar } from '../../lib/candles';
import { applyCandleEntry, chartFromAck, type ChartBars } from '../../lib/chart-bars';
import type { Interval } from '../../lib/intervals';
import type { CandlesSubscribed, Frame, QuoteEntry, Subscribed } from '../../lib/protocol';
import { SNAPSHOT, type Quote } from '../../lib/quote';
import {
  applyDeltas,
  applySnapshot,
  removeSymbols,
  type BookEntry,
  type QuoteBook,
} from '../../lib/quote-book';

export const streamKey = (symbol: string, interval: Interval): string => `${symbol}/${interval}`;

/**
 * What a client knows, built only from the acknowledgements and frames it received, with the same reducers the
 * browser uses (lib/quote-book, lib/chart-bars). It also keeps its own account of sequence numbers, so a test can
 * tell "every step was exactly +1" apart from "the reducer quietly ignored something".
 */
export class ClientMirror {
  book: QuoteBook = {};
  readonly charts = new Map<string, ChartBars>();
  /** Symbols and streams the reducers reported as gaps, in the order they were found. */
  readonly gaps: string[] = [];
  /** Every delta whose seq was not the previous one plus 1, described for an assertion message. */
  readonly seqSteps: string[] = [];
  /** Snapshot and reset entries that arrived in frames (a catch-up after the client fell behind). */
  readonly catchUps: string[] = [];
  /** Quote and candle entries that arrived for something the client did not hold. */
  readonly strays: string[] = [];
  /** Snapshots of symbols already held (resyncs), next to what the client held when each arrived. */
  readonly resyncs: { snapshot: QuoteEntry; held: BookEntry }[] = [];
  private readonly quoteSeqs = new Map<string, number>();
  private readonly candleSeqs = new Map<string, number>();

  /** A subscribe acknowledgement: each snapshot replaces (or starts) that symbol's mirror. */
  subscribed(ack: Pick<Subscribed, 'snapshots'>): void {
    for (const snapshot of ack.snapshots) {
      const held = this.book[snapshot[0]];
      if (held) this.resyncs.push({ snapshot, held });
      this.book = applySnapshot(this.book, snapshot);
      this.quoteSeqs.set(snapshot[0], snapshot[1]);
    }
  }

  unsubscribed(symbols: readonly string[]): void {
    this.book = removeSymbols(this.book, symbols);
    for (const symbol of symbols) this.quoteSeqs.delete(symbol);
  }

  candlesSubscribed(ack: Omit<CandlesSubscribed, 'ok'>): void {
    const key = streamKey(ack.symbol, ack.interval);
    this.charts.set(key, chartFromAck({ ok: true, ...ack }));
    this.candleSeqs.set(key, ack.seq);
  }

  candlesUnsubscribed(symbol: string, interval: Interval): void {
    const key = streamKey(symbol, interval);
    this.charts.delete(key);
    this.candleSeqs.delete(key);
  }

  frame(frame: Frame): void {
    if (frame.q) this.quotes(frame.q);
    for (const entry of frame.c ?? []) {
      const [symbol, interval, seq] = entry;
      const key = streamKey(symbol, interval);
      const chart = this.charts.get(key);
      if (!chart) {
        this.strays.push(`candles ${key} seq ${seq}`);
        continue;
      }
      if (entry[4] === 1) {
        this.catchUps.push(`candles ${key} seq ${seq}`);
        this.candleSeqs.set(key, seq);
      } else {
        this.checkStep(this.candleSeqs, key, seq);
      }
      const update = applyCandleEntry(chart, entry);
      this.charts.set(key, update.chart);
      if (update.gap) this.gaps.push(key);
    }
  }

  quote(symbol: string): Quote | undefined {
    return this.book[symbol]?.quote;
  }

  bars(symbol: string, interval: Interval): readonly Bar[] | undefined {
    return this.charts.get(streamKey(symbol, interval))?.bars;
  }

  private quotes(entries: readonly QuoteEntry[]): void {
    for (const [symbol, seq, mask] of entries) {
      if (!this.quoteSeqs.has(symbol)) {
        this.strays.push(`quote ${symbol} seq ${seq}`);
      } else if (mask === SNAPSHOT) {
        this.catchUps.push(`quote ${symbol} seq ${seq}`);
        this.quoteSeqs.set(symbol, seq);
      } else {
        this.checkStep(this.quoteSeqs, symbol, seq);
      }
    }
    const update = applyDeltas(this.book, entries);
    this.book = update.book;
    this.gaps.push(...update.gaps);
  }

  private checkStep(seqs: Map<string, number>, key: string, seq: number): void {
    const previous = seqs.get(key);
    if (previous !== undefined && seq !== previous + 1) this.seqSteps.push(`${key}: ${previous} -> ${seq}`);
    seqs.set(key, seq);
  }
}
