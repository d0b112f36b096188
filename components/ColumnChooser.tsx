'use client';

import { COLUMN_LABELS, COLUMNS, type ColumnId } from '../lib/board-columns';
import { usePreferences, usePreferencesStore } from './StoreProvider';

/** Shown columns in their order, then the hidden ones: the chooser lists both, so a hidden one can come back. */
function ordered(shown: readonly ColumnId[]): ColumnId[] {
  return [...shown, ...COLUMNS.filter((column) => !shown.includes(column))];
}

/** The board's columns: a checkbox each to show or hide it, and buttons to move it left or right. */
export function ColumnChooser() {
  const preferences = usePreferencesStore();
  const shown = usePreferences((s) => s.columns);

  const toggle = (column: ColumnId, on: boolean) =>
    preferences.getState().setColumns(on ? [...shown, column] : shown.filter((c) => c !== column));
  const move = (column: ColumnId, step: -1 | 1) => {
    const from = shown.indexOf(column);
    const to = from + step;
    if (from === -1 || to < 0 || to >= shown.length) return;
    const next = shown.slice();
    next.splice(from, 1);
    next.splice(to, 0, column);
    preferences.getState().setColumns(next);
  };

  return (
    <details className="columns">
      <summary className="tool">Columns</summary>
      <fieldset className="columns-panel">
        <legend>Board columns</legend>
        {ordered(shown).map((column) => {
          const on = shown.includes(column);
          const index = shown.indexOf(column);
          const label = COLUMN_LABELS[column];
          return (
            <div key={column} className="column-choice">
              <label>
                <input type="checkbox" checked={on} onChange={(e) => toggle(column, e.target.checked)} />
                {label}
              </label>
              <button
                type="button"
                aria-label={`Move ${label} left`}
                disabled={!on || index === 0}
                onClick={() => move(column, -1)}
              >
                ←
              </button>
              <button
                type="button"
                aria-label={`Move ${label} right`}
                disabled={!on || index === shown.length - 1}
                onClick={() => move(column, 1)}
              >
                →
              </button>
            </div>
          );
        })}
      </fieldset>
    </details>
  );
}
