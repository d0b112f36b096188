'use client';

import { useMarket } from './StoreProvider';

/** The feed's state as a coloured dot and a word; a live region, so a screen reader hears it drop and return. */
export function ConnectionBadge() {
  const status = useMarket((s) => s.status);
  return (
    <div role="status" className="badge" data-status={status}>
      <span className="badge-dot" aria-hidden="true" />
      {status}
    </div>
  );
}
