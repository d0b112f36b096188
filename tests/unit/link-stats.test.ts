import { describe, expect, it } from 'vitest';
import { createLinkStats } from '../../components/store/link-stats';

describe('link stats', () => {
  it('counts the updates of the last whole second and keeps the last round trip', () => {
    const stats = createLinkStats();
    expect(stats.snapshot(0)).toEqual({ roundTripMs: undefined, updatesPerSecond: 0 });
    stats.recordUpdates(2, 10_100);
    stats.recordUpdates(1, 10_900);
    stats.recordRoundTrip(12);
    expect(stats.snapshot(11_050)).toEqual({ roundTripMs: 12, updatesPerSecond: 3 });
    // A silent second in between: nothing was applied in the last whole one.
    expect(stats.snapshot(13_000)).toEqual({ roundTripMs: 12, updatesPerSecond: 0 });
  });
});
