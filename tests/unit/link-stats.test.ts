import { describe, expect, it } from 'vitest';
import { createLinkStats } from '../../components/store/link-stats';

describe('link stats', () => {
  it('counts the entries of the last whole second and keeps the last round trip', () => {
    const stats = createLinkStats();
    expect(stats.snapshot(0)).toEqual({ roundTripMs: undefined, updatesPerSecond: 0 });
    stats.recordFrame(
      {
        t: 0,
        q: [
          ['A', 1, 0],
          ['B', 1, 0],
        ],
      },
      10_100,
    );
    stats.recordFrame({ t: 0, c: [['A', '1m', 1, []]] }, 10_900);
    stats.recordRoundTrip(12);
    expect(stats.snapshot(11_050)).toEqual({ roundTripMs: 12, updatesPerSecond: 3 });
    // A silent second in between: nothing was applied in the last whole one.
    expect(stats.snapshot(13_000)).toEqual({ roundTripMs: 12, updatesPerSecond: 0 });
  });
});
