'use client';

import { COLUMN_LABELS, isDrawn, isSortable, nextSort, type SortKey } from '../lib/board-columns';
import { useBoardOrder } from './board-order';
import { ColumnChooser } from './ColumnChooser';
import { ListsControl } from './ListsControl';
import { ShareList } from './ShareList';
import { boardSymbols } from './store/preferences-store';
import { usePreferences, usePreferencesStore } from './StoreProvider';
import { WatchlistRow } from './WatchlistRow';

function SortHeader({ column, label }: { column: SortKey | 'trend'; label: string }) {
  const preferences = usePreferencesStore();
  const sort = usePreferences((s) => s.sort);
  const sorted = sort?.key === column ? sort.direction : undefined;
  const className = column === 'symbol' ? 'symbol' : isDrawn(column) ? 'graph' : 'num';
  if (!isSortable(column))
    return (
      <th scope="col" className={className} data-column={column}>
        {label}
      </th>
    );
  return (
    <th scope="col" className={className} data-column={column} aria-sort={sorted ?? 'none'}>
      <button
        type="button"
        className="sort"
        onClick={() => preferences.getState().setSort(nextSort(sort, column))}
      >
        {label}
        <span aria-hidden="true" className="sort-mark">
          {sorted === 'ascending' ? '▲' : sorted === 'descending' ? '▼' : ''}
        </span>
      </button>
    </th>
  );
}

/**
 * The quote board: the watchlist controls, then a table whose columns and sort are the trader's. It renders
 * on list, column and sort changes and, while sorted, once a re-sort; each row follows its own quote.
 * `ready` holds the rows back until the preferences are loaded, so the defaults never flash by.
 */
export function Watchlist({ ready }: { ready: boolean }) {
  const symbols = usePreferences(boardSymbols);
  const columns = usePreferences((s) => s.columns);
  const sort = usePreferences((s) => s.sort);
  const order = useBoardOrder(ready ? symbols : [], sort);

  return (
    <section id="board" className="board" aria-label="Quote board">
      <div className="board-tools">
        <ListsControl />
        <ShareList />
        <ColumnChooser />
      </div>
      <div className="board-scroll">
        <table aria-label="Watchlist">
          <thead>
            <tr>
              <SortHeader column="symbol" label="Symbol" />
              {columns.map((column) => (
                <SortHeader key={column} column={column} label={COLUMN_LABELS[column]} />
              ))}
              <th scope="col" className="actions">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {order.map((symbol) => (
              <WatchlistRow key={symbol} symbol={symbol} columns={columns} />
            ))}
          </tbody>
        </table>
        {ready && symbols.length === 0 && (
          <p className="board-empty">
            This list is empty. Press <kbd>/</kbd> to add a symbol.
          </p>
        )}
      </div>
    </section>
  );
}
