'use client';

import { useEffect, useState } from 'react';
import type { LinkSnapshot } from './store/link-stats';
import { useLinkStats, useMarket } from './StoreProvider';

/** The round trip and the updates a second, read once a second; outside the live region, which they would flood. */
function LinkFigures() {
  const stats = useLinkStats();
  const [figures, setFigures] = useState<LinkSnapshot | undefined>(undefined);
  useEffect(() => {
    const timer = setInterval(() => setFigures(stats.snapshot(Date.now())), 1000);
    return () => clearInterval(timer);
  }, [stats]);
  if (!figures) return null;
  return (
    <span
      className="link-figures num"
      data-testid="link-figures"
      title="round trip to the server · updates a second"
    >
      {figures.roundTripMs === undefined ? '— ms' : `${Math.round(figures.roundTripMs)} ms`} ·{' '}
      {figures.updatesPerSecond} upd/s
    </span>
  );
}

/**
 * The feed's state as a coloured dot and a word; a live region, so a screen reader hears it drop and return,
 * with the round trip and the updates a second beside it. When the server has moved to a newer version than
 * this page, the badge becomes the button that reloads it.
 */
export function ConnectionBadge() {
  const status = useMarket((s) => s.status);
  return (
    <div className="badge-group">
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
      {status === 'live' && <LinkFigures />}
    </div>
  );
}
