/** How the connection is doing, for the badge: the last round trip and the updates a second. */
export interface LinkSnapshot {
  /** The last ping's round trip, ms; undefined before the first answer. */
  roundTripMs: number | undefined;
  /** Quote and candle updates applied in the last whole second. */
  updatesPerSecond: number;
}

export interface LinkStats {
  recordUpdates(count: number, now: number): void;
  recordRoundTrip(ms: number): void;
  snapshot(now: number): LinkSnapshot;
}

/**
 * Counters kept outside the store: an update bumps a number, and the badge reads them once a second, so the
 * figures cost no store update and no render per frame.
 */
export function createLinkStats(): LinkStats {
  let roundTripMs: number | undefined;
  let second = 0;
  let counting = 0;
  let last = 0;
  const roll = (now: number) => {
    const current = Math.floor(now / 1000);
    if (current === second) return;
    last = current === second + 1 ? counting : 0;
    counting = 0;
    second = current;
  };
  return {
    recordUpdates: (count, now) => {
      roll(now);
      counting += count;
    },
    recordRoundTrip: (ms) => {
      roundTripMs = ms;
    },
    snapshot: (now) => {
      roll(now);
      return { roundTripMs, updatesPerSecond: last };
    },
  };
}
