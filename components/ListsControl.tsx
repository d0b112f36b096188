'use client';

import { useState, type KeyboardEvent } from 'react';
import { activeList } from './store/preferences-store';
import { usePreferences, usePreferencesStore } from './StoreProvider';

/**
 * The watchlists: a picker named "Lists" to switch, and buttons to create, rename and delete. Renaming (and a
 * new list) turns the picker into a name field: Enter keeps the name, Escape keeps the old one.
 */
export function ListsControl() {
  const preferences = usePreferencesStore();
  const lists = usePreferences((s) => s.lists);
  const current = usePreferences(activeList);
  const linked = usePreferences((s) => s.linked !== undefined);
  const [editing, setEditing] = useState<string | undefined>(undefined);
  const [name, setName] = useState('');

  const rename = (id: string, currentName: string) => {
    setEditing(id);
    setName(currentName);
  };
  const onNameKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter' && editing) {
      event.preventDefault();
      preferences.getState().renameList(editing, name);
      setEditing(undefined);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      setEditing(undefined);
    }
  };

  return (
    <div role="group" aria-label="Watchlists" className="lists">
      {editing ? (
        <input
          className="list-name"
          aria-label="List name"
          value={name}
          // The field replaces the picker the trader just used; focus follows it there.
          autoFocus
          onChange={(event) => setName(event.target.value)}
          onKeyDown={onNameKey}
          onBlur={() => {
            preferences.getState().renameList(editing, name);
            setEditing(undefined);
          }}
        />
      ) : (
        <select
          aria-label="Lists"
          value={linked ? '' : (current?.id ?? '')}
          onChange={(event) => preferences.getState().switchList(event.target.value)}
        >
          {linked && (
            <option value="" disabled>
              From a link
            </option>
          )}
          {lists.map((list) => (
            <option key={list.id} value={list.id}>
              {list.name} ({list.symbols.length})
            </option>
          ))}
        </select>
      )}
      <button
        type="button"
        className="tool"
        onClick={() => {
          preferences.getState().createList();
          const created = activeList(preferences.getState());
          if (created) rename(created.id, created.name);
        }}
      >
        New list
      </button>
      <button
        type="button"
        className="tool"
        disabled={!current || linked}
        onClick={() => current && rename(current.id, current.name)}
      >
        Rename
      </button>
      <button
        type="button"
        className="tool"
        disabled={!current || lists.length <= 1 || linked}
        onClick={() => current && preferences.getState().deleteList(current.id)}
      >
        Delete list
      </button>
    </div>
  );
}
