'use client';

import { isDrawn, type ColumnId } from '../lib/board-columns';
import type { Instrument } from '../lib/instrument';
import type { Ticks } from '../lib/nominal';
import { NO_PRICE, quoteChange, quoteChangePercent, type Quote } from '../lib/quote';
import { FlashCell } from './FlashCell';
import { arrowOf, directionOf, formatChange, formatPercent, formatPrice, formatVolume } from './format';
import { SessionTag } from './SessionTag';
import { Sparkline } from './Sparkline';

const EMPTY = '—';

/** Where `value` sits between `low` and `high`, as a CSS percentage. */
function position(value: number, low: number, high: number): string {
  return `${high === low ? 50 : Math.min(100, Math.max(0, ((value - low) / (high - low)) * 100))}%`;
}

interface CellProps {
  column: ColumnId;
  quote: Quote | undefined;
  instrument: Instrument | undefined;
}

/** One cell of a board row, by column. */
export function QuoteCell({ column, quote, instrument }: CellProps) {
  if (!quote || !instrument) {
    return (
      <td className={isDrawn(column) ? 'graph' : 'num'} data-column={column}>
        {EMPTY}
      </td>
    );
  }
  const change = quoteChange(quote);
  const direction = directionOf(change);
  switch (column) {
    case 'last':
      return (
        <FlashCell value={quote.last} column={column}>
          {formatPrice(quote.last, instrument)}
          <SessionTag assetClass={instrument.assetClass} />
        </FlashCell>
      );
    case 'bid':
    case 'ask':
      // A source without a top of book sends none: a dash, not a price of zero.
      return (
        <FlashCell value={quote[column]} column={column}>
          {quote[column] === NO_PRICE ? EMPTY : formatPrice(quote[column], instrument)}
        </FlashCell>
      );
    case 'change':
      return (
        <td className={`num ${direction}`} data-column={column}>
          <span aria-hidden="true" className="dir">
            {arrowOf(direction)}
          </span>
          {formatChange(change, instrument)}
        </td>
      );
    case 'changePercent':
      return (
        <td className={`num ${direction}`} data-column={column}>
          {formatPercent(quoteChangePercent(quote))}
        </td>
      );
    case 'spread':
      return (
        <td className="num muted" data-column={column}>
          {quote.ask === NO_PRICE || quote.bid === NO_PRICE
            ? EMPTY
            : formatChange((quote.ask - quote.bid) as Ticks, instrument).replace('+', '')}
        </td>
      );
    case 'volume':
      return (
        <td className="num muted" data-column={column}>
          {formatVolume(quote.volume, instrument)}
        </td>
      );
    case 'range': {
      const low = formatPrice(quote.low, instrument);
      const high = formatPrice(quote.high, instrument);
      return (
        <td className="graph" data-column={column} title={`${low} – ${high}`}>
          <span className="visually-hidden">
            {low} to {high}
          </span>
          <span className="day-range" aria-hidden="true">
            <span
              className="day-range-marker"
              style={{ left: position(quote.last, quote.low, quote.high) }}
            />
          </span>
        </td>
      );
    }
    case 'trend':
      return (
        <td className="graph" data-column={column}>
          <Sparkline symbol={instrument.symbol} value={quote.last} />
        </td>
      );
  }
}
