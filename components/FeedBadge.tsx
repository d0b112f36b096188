'use client';

import { useEffect, useState } from 'react';
import type { SymbolFeedState } from './store/market-store';

/** How long ago `time` was, shortly: 8s, 3m, 2h. */
export function formatAge(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  return `${Math.floor(seconds / 3600)}h`;
}

/**
 * Where a symbol's prices come from (BINANCE, COINBASE, FINNHUB, SIM) and, while they are stale, how old the last
 * update is, first, so a narrow column cuts the source rather than the age. The age ticks once a second, and only
 * while stale.
 */
export function FeedBadge({ feed }: { feed: SymbolFeedState | undefined }) {
  const stale = feed?.status === 'stale';
  const [now, setNow] = useState(() => Date.now());
  // Until the first tick (at once), the age is never negative.
  const shown = Math.max(now, feed?.time ?? 0);
  useEffect(() => {
    if (!stale) return;
    const tick = () => setNow(Date.now());
    const first = setTimeout(tick, 0);
    const timer = setInterval(tick, 1000);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [stale]);
  if (!feed) return null;
  return (
    <span className="feed-badge" data-source={feed.source} data-status={feed.status}>
      {stale && (
        <span className="feed-age" title="no update from the source since">
          {feed.time > 0 ? `stale ${formatAge(shown - feed.time)}` : 'stale'}
        </span>
      )}
      {feed.status === 'closed' && <span className="feed-age">closed</span>}
      <span className="feed-source">{feed.source.toUpperCase()}</span>
    </span>
  );
}
