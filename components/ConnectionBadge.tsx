'use client';

import { useMarket } from './StoreProvider';

/**
 * The feed's state as a coloured dot and a word; a live region, so a screen reader hears it drop and return. When
 * the server has moved to a newer version than this page, the badge becomes the button that reloads it.
 */
export function ConnectionBadge() {
  const status = useMarket((s) => s.status);
  return (
    <div role="status" aria-label="Connection" className="badge" data-status={status}>
      <span className="badge-dot" aria-hidden="true" />
      {status === 'outdated' ? (
        <button type="button" className="badge-action" onClick={() => window.location.reload()}>
          new version: reload
        </button>
      ) : (
        status
      )}
    </div>
  );
}
