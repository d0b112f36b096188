import type { BarSeries } from '../../lib/bar-series';
import { MarketBook, type MarketCheckpoint } from './market-book';
import type { MarketChange } from './market-view';

/**
 * A copy of a market kept in another process: it starts from a checkpoint and applies the market's changes in
 * order, and then holds exactly the quotes and bars the market holds at the same position.
 */
export class MarketReplica extends MarketBook {
  constructor(checkpoint: MarketCheckpoint) {
    super([], checkpoint.historyBars);
    this.restore(checkpoint);
  }

  /**
   * Replaces everything with the checkpoint's market (after a gap in the changes, for one), and tells listeners
   * each symbol was reset: every bar from the newest one held before may have changed.
   */
  reload(checkpoint: MarketCheckpoint): void {
    const since = new Map(
      [...this.symbols].map(([symbol, book]) => [symbol, book.series.map((s) => s.last()?.time ?? 0)]),
    );
    this.restore(checkpoint);
    for (const [symbol, book] of this.symbols) {
      this.emit({
        position: checkpoint.position,
        symbol,
        quote: book.quote,
        bars: undefined,
        resetSince: since.get(symbol) ?? book.series.map(() => 0),
      });
    }
    this.lastPosition = checkpoint.position;
  }

  private restore(checkpoint: MarketCheckpoint): void {
    this.symbols.clear();
    for (const saved of checkpoint.symbols) {
      const book = this.addSymbol(saved.instrument);
      book.quote = saved.quote && { ...saved.quote };
      book.prevClose = saved.prevClose;
      saved.bars.forEach((bars, i) => {
        const series = book.series[i] as BarSeries;
        for (const bar of bars) series.put(bar);
      });
    }
    this.lastPosition = checkpoint.position;
  }

  /**
   * Applies the change that follows the last one applied and passes it on to listeners. Returns false, changing
   * nothing, for any other position: a change is missing, and only a checkpoint can fill the hole.
   */
  apply(change: MarketChange): boolean {
    if (change.position !== this.lastPosition + 1) return false;
    const book = this.symbols.get(change.symbol);
    if (book) {
      if (!change.quote) book.quote = undefined;
      else if (book.quote) Object.assign(book.quote, change.quote);
      else book.quote = { ...change.quote };
      change.bars?.forEach((bar, i) => {
        if (bar) (book.series[i] as BarSeries).put(bar);
      });
    }
    this.emit(change);
    return true;
  }
}
