'use client';

import type { KeyboardEvent } from 'react';
import { ticks } from '../lib/nominal';
import { NO_PRICE, quoteChange, quoteChangePercent } from '../lib/quote';
import { FeedBadge } from './FeedBadge';
import { FlashCell } from './FlashCell';
import { SessionTag } from './SessionTag';
import { arrowOf, directionOf, formatChange, formatPercent, formatPrice, formatVolume } from './format';
import { useMarket, useMarketStore } from './StoreProvider';

const EMPTY = '—';

/** The row above or below, the way a terminal's board is walked with the arrows. */
function siblingRow(row: HTMLTableRowElement, step: 1 | -1): HTMLTableRowElement | undefined {
  const next = step === 1 ? row.nextElementSibling : row.previousElementSibling;
  return next instanceof HTMLTableRowElement ? next : undefined;
}

/**
 * One symbol of the board. It selects only its own book entry, instrument and selected flag, so a frame
 * re-renders just the rows whose quotes it changed.
 */
export function WatchlistRow({ symbol }: { symbol: string }) {
  const store = useMarketStore();
  const entry = useMarket((s) => s.book[symbol]);
  const instrument = useMarket((s) => s.instruments[symbol]);
  const selected = useMarket((s) => s.selected === symbol);
  const feed = useMarket((s) => s.feeds[symbol]);
  const resyncing = entry?.stale === true;
  const stale = resyncing || feed?.status === 'stale';

  const quote = entry?.quote;
  const ready = quote !== undefined && instrument !== undefined;
  const change = ready ? quoteChange(quote) : ticks(0);
  const direction = directionOf(change);

  const onKeyDown = (event: KeyboardEvent<HTMLTableRowElement>) => {
    // Keys pressed on the remove button are the button's.
    if (event.target !== event.currentTarget) return;
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      store.getState().select(symbol);
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const next = siblingRow(event.currentTarget, event.key === 'ArrowDown' ? 1 : -1);
      const nextSymbol = next?.getAttribute('aria-label');
      if (!next || !nextSymbol) return;
      next.focus();
      store.getState().select(nextSymbol);
    }
  };

  return (
    <tr
      aria-label={symbol}
      aria-current={selected ? 'true' : undefined}
      tabIndex={0}
      data-stale={stale ? 'true' : undefined}
      data-source={feed?.source}
      title={
        resyncing
          ? `${symbol}: update missed, resyncing`
          : stale
            ? `${symbol}: stale, nothing from ${feed?.source ?? 'its source'} lately`
            : undefined
      }
      onClick={() => store.getState().select(symbol)}
      onKeyDown={onKeyDown}
    >
      <th scope="row" className="symbol">
        <span className="symbol-code">{symbol}</span>
        <span className="symbol-name">
          <FeedBadge feed={feed} /> {instrument?.name ?? ''}
        </span>
      </th>
      <FlashCell value={quote?.last} arrow>
        {ready ? formatPrice(quote.last, instrument) : EMPTY}
        {instrument ? <SessionTag assetClass={instrument.assetClass} /> : null}
      </FlashCell>
      <td className={`num ${direction}`}>
        {ready ? (
          <>
            <span aria-hidden="true" className="dir">
              {arrowOf(direction)}
            </span>
            {formatChange(change, instrument)}
          </>
        ) : (
          EMPTY
        )}
      </td>
      <td className={`num ${direction}`}>{ready ? formatPercent(quoteChangePercent(quote)) : EMPTY}</td>
      <FlashCell value={quote?.bid} className="wide">
        {ready && quote.bid !== NO_PRICE ? formatPrice(quote.bid, instrument) : EMPTY}
      </FlashCell>
      <FlashCell value={quote?.ask} className="wide">
        {ready && quote.ask !== NO_PRICE ? formatPrice(quote.ask, instrument) : EMPTY}
      </FlashCell>
      <td className="num muted">{ready ? formatVolume(quote.volume, instrument) : EMPTY}</td>
      <td className="actions">
        <button
          type="button"
          className="remove"
          aria-label={`Remove ${symbol}`}
          title={`Remove ${symbol}`}
          onClick={(event) => {
            event.stopPropagation();
            store.getState().removeSymbol(symbol);
          }}
        >
          ×
        </button>
      </td>
    </tr>
  );
}
