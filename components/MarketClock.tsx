'use client';

import { useEffect, useState } from 'react';
import { useMarket } from './StoreProvider';

const format = new Intl.DateTimeFormat('en-US', {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
  timeZone: 'UTC',
});

/**
 * UTC wall time at the server (a replay or SIM_START runs it elsewhere in time), the clock the chart's axis and
 * the bars' buckets keep. Empty until mounted: the time the server rendered would not match the browser's.
 */
export function MarketClock() {
  const offset = useMarket((s) => s.serverOffsetMs);
  const [now, setNow] = useState<number | undefined>(undefined);
  useEffect(() => {
    const tick = () => setNow(Date.now() + offset);
    tick();
    const timer = setInterval(tick, 1000);
    return () => clearInterval(timer);
  }, [offset]);
  return (
    <time className="clock num" dateTime={now === undefined ? undefined : new Date(now).toISOString()}>
      {now === undefined ? '' : `${format.format(now)} UTC`}
    </time>
  );
}
