'use client';

import { useEffect, useState } from 'react';
import { symbolsQuery } from '../lib/watchlists';
import { boardSymbols } from './store/preferences-store';
import { usePreferences, usePreferencesStore } from './StoreProvider';

const SAID_MS = 4000;

/**
 * "Share" copies the link that opens exactly the board's symbols. Where the clipboard is refused, the link is
 * shown to copy by hand. A board opened from such a link offers to keep it as a list.
 */
export function ShareList() {
  const preferences = usePreferencesStore();
  const linked = usePreferences((s) => s.linked);
  const [said, setSaid] = useState<string | undefined>(undefined);

  useEffect(() => {
    if (said === undefined) return;
    const fade = setTimeout(() => setSaid(undefined), SAID_MS);
    return () => clearTimeout(fade);
  }, [said]);

  const share = async () => {
    const url = `${window.location.origin}/${symbolsQuery(boardSymbols(preferences.getState()))}`;
    try {
      await navigator.clipboard.writeText(url);
      setSaid('Link copied');
    } catch {
      // A refused clipboard is an answer, not a fault: show the link instead.
      setSaid(url);
    }
  };

  return (
    <>
      <button type="button" className="tool" onClick={() => void share()}>
        Share
      </button>
      <span role="status" className="share-said">
        {said}
      </span>
      {linked && (
        <div className="linked" role="region" aria-label="Linked symbols">
          <span>Opened from a link: {linked.join(', ')}</span>
          <button
            type="button"
            className="tool"
            onClick={() => {
              preferences.getState().saveLink();
              window.history.replaceState(null, '', window.location.pathname);
            }}
          >
            Save as list
          </button>
          <button
            type="button"
            className="tool"
            onClick={() => {
              preferences.getState().dismissLink();
              window.history.replaceState(null, '', window.location.pathname);
            }}
          >
            Back to my lists
          </button>
        </div>
      )}
    </>
  );
}
