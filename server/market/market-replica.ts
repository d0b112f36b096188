import type { BarSeries } from '../../lib/bar-series';
import type { BarState } from '../../lib/candles';
import type { SymbolStatus } from '../../lib/protocol';
import { BAR_FIELDS, MarketBook, unpackBar, type MarketCheckpoint, type SymbolBook } from './market-book';
import type { MarketChange } from './market-view';

/**
 * A copy of a market kept in another process: it starts from a checkpoint and applies the market's changes in
 * order, and then holds exactly the quotes, bars and statuses the market holds at the same position.
 */
export class MarketReplica extends MarketBook {
  /** While set, every symbol reads as stale whatever the market says (this copy has lost touch with it). */
  private detached = false;

  constructor(checkpoint: MarketCheckpoint) {
    super(checkpoint.historyBars);
    this.restore(checkpoint);
  }

  protected createBook(base: SymbolBook): SymbolBook {
    return base;
  }

  protected override shownStatus(book: SymbolBook): SymbolStatus {
    return this.detached ? 'stale' : book.status;
  }

  /**
   * Replaces everything with the checkpoint's market (after a gap in the changes, for one), and tells listeners
   * of each symbol that changed meanwhile: per interval, the time of the first bar that differs, is new or is gone
   * (Infinity where none does). With `anotherMarket` (a restarted ingest) nothing held stands: every symbol is
   * reset from time 0, so clients drop even the bars older than this replica's.
   */
  reload(checkpoint: MarketCheckpoint, { anotherMarket = false } = {}): void {
    const before = new Map(
      [...this.symbols].map(([symbol, book]) => [
        symbol,
        { quote: book.quote && { ...book.quote }, bars: book.series.map((s) => s.slice(s.length)) },
      ]),
    );
    const statuses = new Map(this.statuses().map(([symbol, status]) => [symbol, status]));
    this.restore(checkpoint);
    for (const [symbol, book] of this.symbols) {
      const old = before.get(symbol);
      const resetSince = anotherMarket
        ? book.series.map(() => 0)
        : book.series.map((series, i) => firstDifference(old?.bars[i] ?? [], series));
      const quoteChanged = JSON.stringify(old?.quote) !== JSON.stringify(book.quote);
      if (quoteChanged || resetSince.some(Number.isFinite)) {
        this.emit({ position: checkpoint.position, symbol, quote: book.quote, bars: undefined, resetSince });
      }
      if (statuses.get(symbol) !== this.status(symbol)) this.emitStatus(book);
    }
    this.lastPosition = checkpoint.position;
  }

  /**
   * Marks every symbol stale while this replica cannot follow the market (its link is down), or lifts that.
   * Listeners hear of each symbol whose shown status changes.
   */
  setDetached(detached: boolean): void {
    if (this.detached === detached) return;
    this.detached = detached;
    for (const book of this.symbols.values()) {
      if (book.status !== 'stale') this.emitStatus(book);
    }
  }

  /**
   * Applies the change that follows the last one applied and passes it on to listeners. Returns false, changing
   * nothing, for any other position: a change is missing, and only a checkpoint can fill the hole.
   */
  apply(change: MarketChange): boolean {
    if (change.position !== this.lastPosition + 1) return false;
    if (change.listing) {
      const { book, statusChanged } = this.list(change.listing);
      this.emit(change);
      if (statusChanged && !this.detached) this.emitStatus(book);
      return true;
    }
    const book = this.symbols.get(change.symbol);
    if (book) {
      if (!change.quote) book.quote = undefined;
      else if (book.quote) Object.assign(book.quote, change.quote);
      else book.quote = { ...change.quote };
      change.bars?.forEach((bar, i) => {
        if (bar) (book.series[i] as BarSeries).put({ ...bar });
      });
    }
    this.emit(change);
    return true;
  }

  private restore(checkpoint: MarketCheckpoint): void {
    this.symbols.clear();
    for (const saved of checkpoint.symbols) {
      const { book } = this.list(saved.listing);
      book.quote = saved.quote && { ...saved.quote };
      saved.bars.forEach((packed, i) => {
        const series = book.series[i] as BarSeries;
        const ids = saved.tradeIds?.[i];
        for (let bar = 0; bar < packed.length / BAR_FIELDS; bar++) series.put(unpackBar(packed, bar, ids));
      });
    }
    this.lastPosition = checkpoint.position;
  }
}

/**
 * The time of the first bar that `was` and `now` do not hold alike: one that changed, one that is new, or one that
 * is gone (a replay sought back, a market replaced). Bars of `was` older than the first of `now` were trimmed, not
 * changed, and do not count. Infinity when there is none; 0 when `now` holds nothing and `was` did.
 */
export function firstDifference(was: readonly BarState[], now: BarSeries): number {
  const bars = now.slice(now.length);
  const first = bars[0];
  if (!first) return was.length > 0 ? 0 : Infinity;
  const held = new Map(was.map((bar) => [bar.time, bar]));
  let since = Infinity;
  for (const bar of bars) {
    const old = held.get(bar.time);
    held.delete(bar.time);
    if (
      since === Infinity &&
      (!old ||
        old.open !== bar.open ||
        old.high !== bar.high ||
        old.low !== bar.low ||
        old.close !== bar.close ||
        old.volume !== bar.volume)
    )
      since = bar.time;
  }
  // What is left in `held` is gone from `now`.
  for (const time of held.keys()) if (time >= first.time && time < since) since = time;
  return since;
}
