'use client';

import { useEffect, useState } from 'react';
import { sessionAt } from '../lib/calendar/sessions';
import type { AssetClass } from '../lib/instrument';
import { unixMillis } from '../lib/nominal';
import { useMarket } from './StoreProvider';

/** Sessions turn on whole minutes; a look twice a minute is soon enough. */
const LOOK_MS = 30_000;

/**
 * "pre", "post" or "closed" beside a price whose market is not in its regular session, read from the exchange
 * calendar at the server's time (its hello says how far it is from this browser's). Nothing in regular hours.
 */
export function SessionTag({ assetClass }: { assetClass: AssetClass }) {
  const offset = useMarket((s) => s.serverOffsetMs);
  const [now, setNow] = useState<number | undefined>(undefined);
  useEffect(() => {
    const look = () => setNow(Date.now());
    look();
    const timer = setInterval(look, LOOK_MS);
    return () => clearInterval(timer);
  }, []);
  if (now === undefined) return null;
  const { phase } = sessionAt(assetClass, unixMillis(now + offset));
  if (phase === 'regular') return null;
  return (
    <span
      className="session-tag"
      data-phase={phase}
      title={phase === 'closed' ? 'market closed' : `${phase}-market`}
    >
      {phase}
    </span>
  );
}
