'use client';

import { useEffect, useState } from 'react';

/** "12 s ago", "4 min ago", "2 h ago". */
export function formatAge(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  return `${Math.floor(seconds / 3600)} h ago`;
}

/**
 * How old a stale row's last update is, counting up each second. Only stale rows mount one, so a live board
 * runs no timers for it.
 */
export function StaleAge({ since }: { since: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return (
    <span className="stale-age" data-testid="stale-age">
      <span className="visually-hidden">stale, last update </span>
      {formatAge(now - since)}
    </span>
  );
}
