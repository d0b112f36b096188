import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../support/manual-clock';
import { closeTestFeeds, startTestFeed, type TestFeed } from '../support/test-feed';

const RATE = 5;
const BARS_PER_SECOND = 1000;
const HISTORY = 2000;

// A clock that stands still: every request below happens at one instant until the test moves time.
const clock = new ManualClock();
let feed: TestFeed;
let proxied: TestFeed;

beforeAll(async () => {
  const limits = {
    API_REQUESTS_PER_SECOND: RATE,
    API_BARS_PER_SECOND: BARS_PER_SECOND,
    HISTORY_BARS: HISTORY,
  };
  [feed, proxied] = await Promise.all([
    startTestFeed(limits, { clock }),
    startTestFeed({ ...limits, API_REQUESTS_PER_SECOND: 1000, TRUSTED_PROXIES: ['127.0.0.1'] }, { clock }),
  ]);
});
afterAll(closeTestFeeds);

async function get(target: TestFeed, path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${target.url}${path}`, { headers });
  const body = (await response.json()) as { error?: { code: string } };
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body };
}

describe('API_REQUESTS_PER_SECOND', () => {
  it('serves a burst of twice the rate, then answers 429 with Retry-After until time passes', async () => {
    const address = { 'x-forwarded-for': '198.51.100.1' }; // not believed: the feed trusts no proxy
    const statuses = [];
    for (let i = 0; i < RATE * 2 + 2; i++) statuses.push((await get(feed, '/api/symbols', address)).status);
    expect(statuses).toEqual([...Array(RATE * 2).fill(200), 429, 429]);

    const refused = await get(feed, '/api/symbols');
    expect(refused).toMatchObject({
      status: 429,
      retryAfter: '1',
      body: { error: { code: 'RATE_LIMITED' } },
    });
    clock.advance(1000);
    const again = [];
    for (let i = 0; i < RATE + 1; i++) again.push((await get(feed, '/api/symbols')).status);
    expect(again).toEqual([...Array(RATE).fill(200), 429]);
  });

  it('does not limit /healthz, which load balancers poll', async () => {
    for (let i = 0; i < RATE * 4; i++) expect((await get(feed, '/healthz')).status).toBe(200);
  });
});

describe('API_BARS_PER_SECOND', () => {
  const candles = (limit: number, address: string) =>
    // Crypto: a full page of 1m history whatever the day (an equity's pauses overnight and at weekends).
    get(proxied, `/api/candles?symbol=BTC-USD&interval=1m&limit=${limit}`, { 'x-forwarded-for': address });

  it('serves one full page of history at once, then refuses bars until the rate has refilled them', async () => {
    expect((await candles(HISTORY, '198.51.100.7')).status).toBe(200);
    const refused = await candles(1, '198.51.100.7');
    expect(refused).toMatchObject({
      status: 429,
      retryAfter: '1',
      body: { error: { code: 'RATE_LIMITED' } },
    });
    // Another client address has its own budget.
    expect((await candles(HISTORY, '198.51.100.8')).status).toBe(200);

    clock.advance(1000);
    expect((await candles(BARS_PER_SECOND, '198.51.100.7')).status).toBe(200);
    expect((await candles(10, '198.51.100.7')).status).toBe(429);
  });

  it('says how long to wait for a large request', async () => {
    clock.advance(10_000);
    expect((await candles(HISTORY, '198.51.100.9')).status).toBe(200);
    expect((await candles(HISTORY, '198.51.100.9')).retryAfter).toBe(String(HISTORY / BARS_PER_SECOND));
  });
});
