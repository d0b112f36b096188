'use client';

import { memo, type DragEvent, type KeyboardEvent } from 'react';
import type { ColumnId } from '../lib/board-columns';
import { QuoteCell } from './QuoteCell';
import { useRowEntry } from './row-entry';
import { FeedBadge } from './FeedBadge';
import { StaleAge } from './StaleAge';
import { useDraftAlertAtLast } from './draft-alert';
import { useMarket, usePreferencesStore } from './StoreProvider';

/** The row above or below, the way a terminal's board is walked with the arrows. */
function siblingRow(row: HTMLTableRowElement, step: 1 | -1): HTMLTableRowElement | undefined {
  const next = step === 1 ? row.nextElementSibling : row.previousElementSibling;
  return next instanceof HTMLTableRowElement ? next : undefined;
}

/** Focuses the row of `symbol` once React has put it in its new place (moving a node drops its focus). */
function refocus(table: HTMLTableSectionElement | null, symbol: string) {
  requestAnimationFrame(() => {
    for (const row of table?.rows ?? []) if (row.getAttribute('aria-label') === symbol) row.focus();
  });
}

const DRAG_TYPE = 'text/x-tickerboard-symbol';
/** Where the charts go under the board (globals.css). */
const STACKED = '(max-width: 960px)';

interface RowProps {
  symbol: string;
  columns: readonly ColumnId[];
}

/**
 * One symbol of the board. It selects only its own book entry, instrument, selected flag and staleness, so a
 * frame re-renders just the rows whose quotes it changed (out of view, about once a second: row-entry.ts).
 * Keys: Enter charts it, ↑/↓ walk, Home/End jump, Delete removes, Alt+↑/↓ move it in the list; it can also be
 * dragged to another place.
 */
export const WatchlistRow = memo(function WatchlistRow({ symbol, columns }: RowProps) {
  const preferences = usePreferencesStore();
  const draftAlertAtLast = useDraftAlertAtLast();
  const [entry, rowElement] = useRowEntry(symbol);
  const instrument = useMarket((s) => s.instruments[symbol]);
  const selected = useMarket((s) => s.selected === symbol);
  const offline = useMarket((s) => s.status !== 'live');
  const feed = useMarket((s) => s.feeds[symbol]);
  const market = feed?.status;
  const quote = entry?.quote;
  // A missed update, a feed that is down, or a source the server says is silent: the prices shown are old,
  // and the row says so.
  const resyncing = entry?.stale === true;
  const stale = quote !== undefined && (resyncing || offline || market === 'stale');
  const closed = market === 'closed';

  const show = () => preferences.getState().showSymbol(symbol);
  /** A tap on a stacked layout (phone, tablet) brings the chart it changed into view. */
  const showAndReveal = () => {
    show();
    if (window.matchMedia(STACKED).matches)
      document.getElementById('charts')?.scrollIntoView({ block: 'start', behavior: 'instant' });
  };
  const move = (step: -1 | 1, tbody: HTMLTableSectionElement | null) => {
    const state = preferences.getState();
    // Moving a row means the trader's own order: a sort would put it straight back.
    state.setSort(undefined);
    const list = state.linked ?? state.lists.find((l) => l.id === state.activeListId)?.symbols ?? [];
    const index = list.indexOf(symbol);
    if (index === -1) return;
    state.moveSymbol(symbol, index + step);
    refocus(tbody, symbol);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTableRowElement>) => {
    // Keys pressed on the row's buttons are the buttons'.
    if (event.target !== event.currentTarget) return;
    const row = event.currentTarget;
    const tbody = row.parentElement instanceof HTMLTableSectionElement ? row.parentElement : null;
    const focusRow = (next: HTMLTableRowElement | undefined | null) => {
      const nextSymbol = next?.getAttribute('aria-label');
      if (!next || !nextSymbol) return;
      next.focus();
      preferences.getState().showSymbol(nextSymbol);
    };
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      show();
    } else if ((event.key === 'ArrowDown' || event.key === 'ArrowUp') && event.altKey) {
      event.preventDefault();
      move(event.key === 'ArrowDown' ? 1 : -1, tbody);
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      focusRow(siblingRow(row, event.key === 'ArrowDown' ? 1 : -1));
    } else if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      focusRow(event.key === 'Home' ? tbody?.rows[0] : tbody?.rows[tbody.rows.length - 1]);
    } else if (event.key === 'Delete' || event.key === 'Backspace') {
      event.preventDefault();
      const next = siblingRow(row, 1) ?? siblingRow(row, -1);
      preferences.getState().removeSymbol(symbol);
      next?.focus();
    }
  };

  const onDragStart = (event: DragEvent<HTMLTableRowElement>) => {
    event.dataTransfer.setData(DRAG_TYPE, symbol);
    event.dataTransfer.effectAllowed = 'move';
  };
  const onDragOver = (event: DragEvent<HTMLTableRowElement>) => {
    if (event.dataTransfer.types.includes(DRAG_TYPE)) event.preventDefault();
  };
  const onDrop = (event: DragEvent<HTMLTableRowElement>) => {
    const dragged = event.dataTransfer.getData(DRAG_TYPE);
    if (!dragged || dragged === symbol) return;
    event.preventDefault();
    const state = preferences.getState();
    state.setSort(undefined);
    const list = state.linked ?? state.lists.find((l) => l.id === state.activeListId)?.symbols ?? [];
    const to = list.indexOf(symbol);
    if (to !== -1) state.moveSymbol(dragged, to);
  };

  return (
    <tr
      ref={rowElement}
      aria-label={symbol}
      aria-current={selected ? 'true' : undefined}
      tabIndex={0}
      draggable
      data-stale={stale ? 'true' : undefined}
      data-market={closed ? 'closed' : undefined}
      data-source={feed?.source}
      title={
        resyncing
          ? `${symbol}: update missed, resyncing`
          : market === 'stale'
            ? `${symbol}: stale, nothing from ${feed?.source ?? 'its source'} lately`
            : undefined
      }
      onClick={showAndReveal}
      onKeyDown={onKeyDown}
      onDragStart={onDragStart}
      onDragOver={onDragOver}
      onDrop={onDrop}
    >
      <th scope="row" className="symbol">
        <span className="symbol-code">{symbol}</span>
        <span className="symbol-name">
          <FeedBadge feed={feed} />{' '}
          {/* The server's stale status carries its own age in the badge; a drop or a missed update, this one. */}
          {stale && quote && market !== 'stale' ? <StaleAge since={quote.time} /> : (instrument?.name ?? '')}
        </span>
      </th>
      {columns.map((column) => (
        <QuoteCell key={column} column={column} quote={quote} instrument={instrument} />
      ))}
      <td className="actions">
        <button
          type="button"
          className="row-action"
          aria-label={`Add alert for ${symbol}`}
          title={`Add alert for ${symbol}`}
          onClick={(event) => {
            event.stopPropagation();
            draftAlertAtLast(symbol);
          }}
        >
          <svg aria-hidden="true" width="12" height="12" viewBox="0 0 12 12">
            <path
              d="M6 1.2a3 3 0 0 0-3 3v2.3L2 8.4h8L9 6.5V4.2a3 3 0 0 0-3-3ZM4.8 9.4a1.2 1.2 0 0 0 2.4 0"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.1"
            />
          </svg>
        </button>
        <button
          type="button"
          className="row-action remove"
          aria-label={`Remove ${symbol}`}
          title={`Remove ${symbol}`}
          onClick={(event) => {
            event.stopPropagation();
            preferences.getState().removeSymbol(symbol);
          }}
        >
          ×
        </button>
      </td>
    </tr>
  );
});
