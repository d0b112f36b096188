'use client';

import { chartOf } from './store/market-store';
import { useMarket, usePreferences } from './StoreProvider';

/**
 * A banner over chart `index` while what it shows is not live: the feed is down (the bars stop where they
 * were), or the chart missed an update and is being resynced. It goes when the data returns.
 */
export function ChartBanner({ index }: { index: number }) {
  const slot = usePreferences((s) => s.charts[index]);
  const status = useMarket((s) => s.status);
  const resyncing = useMarket((s) =>
    slot ? chartOf(s, slot.symbol, slot.interval)?.bars.stale === true : false,
  );
  const symbolStatus = useMarket((s) => (slot?.symbol ? s.feeds[slot.symbol]?.status : undefined));
  const text =
    status === 'reconnecting' || status === 'offline'
      ? 'Feed disconnected: the chart shows the last prices received. Reconnecting…'
      : resyncing
        ? 'An update was missed: resyncing the chart…'
        : symbolStatus === 'stale'
          ? `${slot?.symbol} is stale: its source has gone quiet; the last prices are shown as they were.`
          : symbolStatus === 'closed'
            ? `${slot?.symbol}: market closed.`
            : undefined;
  return (
    <p className="chart-banner" role="note" hidden={text === undefined} data-testid="chart-banner">
      {text}
    </p>
  );
}
