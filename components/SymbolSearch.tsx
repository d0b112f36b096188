'use client';

import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { Instrument } from '../lib/instrument';
import { boardSymbols } from './store/preferences-store';
import { useMarket, usePreferences, usePreferencesStore } from './StoreProvider';
import { matchInstruments } from './symbol-match';

function isEditable(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
  );
}

/** The next option in `step` direction that is not on the watchlist already, wrapping; -1 when none is. */
function nextAddable(options: readonly Instrument[], listed: readonly string[], from: number, step: 1 | -1) {
  for (let n = 1; n <= options.length; n++) {
    const index = (((from + step * n) % options.length) + options.length) % options.length;
    const option = options[index];
    if (option && !listed.includes(option.symbol)) return index;
  }
  return -1;
}

/**
 * Type-ahead to add a symbol: an ARIA 1.2 combobox over the instruments. Focus stays in the input while the
 * arrows move the active option (aria-activedescendant); symbols already listed are shown but skipped.
 * Pressing `/` anywhere outside a text field jumps here.
 */
export function SymbolSearch() {
  const preferences = usePreferencesStore();
  const instruments = useMarket((s) => s.instruments);
  const watchlist = usePreferences(boardSymbols);
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const input = useRef<HTMLInputElement>(null);
  const listId = useId();

  const options = useMemo(() => matchInstruments(Object.values(instruments), query), [instruments, query]);
  const expanded = open && options.length > 0;
  const noMatch = open && query.trim() !== '' && options.length === 0;
  const activeOption = expanded ? options[active] : undefined;
  const optionId = (symbol: string) => `${listId}-${symbol}`;

  useEffect(() => {
    const onKeyDown = (event: globalThis.KeyboardEvent) => {
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || isEditable(event.target))
        return;
      event.preventDefault();
      input.current?.focus();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  useEffect(() => {
    if (activeOption)
      document.getElementById(optionId(activeOption.symbol))?.scrollIntoView({ block: 'nearest' });
  });

  const add = (instrument: Instrument) => {
    preferences.getState().addSymbol(instrument.symbol);
    setQuery('');
    setOpen(false);
    setActive(-1);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowUp': {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setOpen(true);
        // From "nothing active", down starts at the top and up at the bottom.
        const from = active === -1 || !expanded ? (step === 1 ? -1 : 0) : active;
        setActive(nextAddable(options, watchlist, from, step));
        break;
      }
      case 'Enter': {
        if (!expanded) return;
        event.preventDefault();
        const chosen = activeOption ?? options[nextAddable(options, watchlist, -1, 1)];
        if (chosen && !watchlist.includes(chosen.symbol)) add(chosen);
        break;
      }
      case 'Escape':
        event.preventDefault();
        if (expanded) setOpen(false);
        else setQuery('');
        setActive(-1);
        break;
    }
  };

  return (
    <div className="search">
      <input
        ref={input}
        type="text"
        role="combobox"
        aria-label="Add symbol"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={activeOption ? optionId(activeOption.symbol) : undefined}
        placeholder="Add symbol"
        autoComplete="off"
        spellCheck={false}
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setOpen(true);
          setActive(-1);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
      />
      <kbd className="search-hint" aria-hidden="true">
        /
      </kbd>
      <p className="search-empty" aria-live="polite" hidden={!noMatch}>
        {noMatch ? `No match for “${query.trim()}”` : ''}
      </p>
      <ul id={listId} role="listbox" aria-label="Symbols" className="search-list" hidden={!expanded}>
        {options.map((instrument, index) => {
          const listed = watchlist.includes(instrument.symbol);
          return (
            <li
              key={instrument.symbol}
              id={optionId(instrument.symbol)}
              role="option"
              aria-selected={index === active}
              aria-disabled={listed || undefined}
              // Keeps focus in the input, so the click does not blur and close the list first.
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => !listed && add(instrument)}
              onMouseMove={() => !listed && index !== active && setActive(index)}
            >
              <span className="option-symbol">{instrument.symbol}</span>
              <span className="option-name">{instrument.name}</span>
              <span className="option-class">{listed ? 'on list' : instrument.assetClass}</span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
