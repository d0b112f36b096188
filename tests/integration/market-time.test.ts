import { afterAll, describe, expect, it } from 'vitest';
import { sessionAt } from '../../lib/calendar/sessions';
import { wallTime } from '../../lib/calendar/zone-time';
import { INTERVALS } from '../../lib/intervals';
import type { UnixMillis } from '../../lib/nominal';
import type { ApiBar } from '../../lib/protocol';
import { closeTestFeeds, startTestFeed, type TestFeed } from '../support/test-feed';

afterAll(closeTestFeeds);

async function candles(feed: TestFeed, symbol: string, interval: string, limit = 2000): Promise<ApiBar[]> {
  const response = await fetch(
    `${feed.url}/api/candles?symbol=${symbol}&interval=${interval}&limit=${limit}`,
  );
  expect(response.status).toBe(200);
  return ((await response.json()) as { bars: ApiBar[] }).bars;
}

const dateOf = (bar: ApiBar) => new Date(bar.time * 1000).toISOString().slice(0, 10);
const newYork = (bar: ApiBar) => wallTime('America/New_York', (bar.time * 1000) as UnixMillis);

describe('GET /api/candles with SIM_START on the Monday after Thanksgiving 2025', () => {
  // 10:30 New York: the history holds Thanksgiving (closed), its early close and a weekend.
  const SIM_START = Date.UTC(2025, 11, 1, 15, 30);

  it('serves an equity no weekend or holiday 1d bar and no 1m bar outside 04:00-20:00 New York time', async () => {
    const feed = await startTestFeed({ SIM_START });
    const days = await candles(feed, 'AAPL', '1d');
    expect(days.length).toBeGreaterThan(250);
    expect(days.map(dateOf)).not.toContain('2025-11-27');
    expect(days.map(dateOf)).toContain('2025-11-28');
    expect(days.filter((bar) => [0, 6].includes(new Date(bar.time * 1000).getUTCDay()))).toEqual([]);
    const minutes = await candles(feed, 'AAPL', '1m');
    expect(minutes.length).toBeGreaterThan(300);
    expect(minutes.filter((bar) => newYork(bar).minutes < 4 * 60 || newYork(bar).minutes >= 20 * 60)).toEqual(
      [],
    );
    expect(
      minutes.filter((bar) => sessionAt('equity', (bar.time * 1000) as UnixMillis).phase === 'closed'),
    ).toEqual([]);

    const crypto = await candles(feed, 'BTC-USD', '1d');
    expect(crypto.filter((bar) => new Date(bar.time * 1000).getUTCDay() === 6).length).toBeGreaterThan(10);
    for (const interval of ['1m', '1h', '1d']) {
      const fx = await candles(feed, 'EURUSD', interval);
      expect(fx.length, interval).toBeGreaterThan(100);
      expect(
        fx.filter((bar) => new Date(bar.time * 1000).getUTCDay() === 6),
        interval,
      ).toEqual([]);
    }
  });
});

describe('two servers with the same seed', () => {
  it('serve identical closed bars at every interval, started at different moments', async () => {
    const start = Date.UTC(2025, 2, 11, 14, 40, 17);
    // This test reads every interval's whole history from one address: lift the API's per-address budget.
    const unlimited = { SIM_SEED: 9, API_REQUESTS_PER_SECOND: 100_000, API_BARS_PER_SECOND: 10_000_000 };
    const [first, second] = await Promise.all([
      startTestFeed({ ...unlimited, SIM_START: start }),
      startTestFeed({ ...unlimited, SIM_START: start + 7 * 60_000 + 333 }),
    ]);
    for (const symbol of ['AAPL', 'BTC-USD', 'EURUSD']) {
      for (const interval of INTERVALS) {
        // The newest bar of each may still be forming.
        const ours = (await candles(first, symbol, interval)).slice(0, -1);
        const theirs = (await candles(second, symbol, interval)).slice(0, -1);
        const shared = new Set(ours.map((bar) => bar.time));
        const common = theirs.filter((bar) => shared.has(bar.time));
        expect(common.length, `${symbol} ${interval}`).toBeGreaterThan(5);
        expect(
          ours.filter((bar) => common.some((c) => c.time === bar.time)),
          `${symbol} ${interval}`,
        ).toEqual(common);
      }
    }
  });
});
