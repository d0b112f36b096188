import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClients, connectClient, type FeedClient } from '../support/feed-client';
import { parsePrometheusText, sampleValue } from '../support/prometheus';
import { closeTestFeeds, startTestFeed, type TestFeed } from '../support/test-feed';
import { waitFor } from '../support/wait';

let feed: TestFeed;

beforeAll(async () => {
  feed = await startTestFeed();
});
afterAll(async () => {
  closeClients();
  await closeTestFeeds();
});

async function scrape() {
  const response = await fetch(`${feed.url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await response.text());
}

describe('GET /readyz', () => {
  it('answers 200 once the history is loaded, listing what it checked', async () => {
    const response = await fetch(`${feed.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ready',
      checks: [
        { name: 'history', ok: true },
        { name: 'accepting', ok: true },
      ],
    });
  });
});

describe('GET /metrics', () => {
  it('is Prometheus text with every tickerboard_ metric and the default process metrics', async () => {
    const { types } = await scrape();
    for (const [name, type] of [
      ['tickerboard_connections', 'gauge'],
      ['tickerboard_subscriptions', 'gauge'],
      ['tickerboard_frames_sent_total', 'counter'],
      ['tickerboard_bytes_sent_total', 'counter'],
      ['tickerboard_updates_conflated_total', 'counter'],
      ['tickerboard_flush_duration_seconds', 'histogram'],
      ['tickerboard_slow_clients', 'gauge'],
      ['tickerboard_slow_disconnects_total', 'counter'],
      ['tickerboard_source_state', 'gauge'],
      ['tickerboard_nodejs_eventloop_lag_seconds', 'gauge'],
      ['tickerboard_process_cpu_seconds_total', 'counter'],
      ['tickerboard_process_resident_memory_bytes', 'gauge'],
    ]) {
      expect(types.get(name as string), name).toBe(type);
    }
  });

  it('moves when clients connect and subscribe and frames flow to them', async () => {
    const before = (await scrape()).samples;
    const connectionsBefore = sampleValue(before, 'tickerboard_connections') ?? NaN;
    const framesBefore = sampleValue(before, 'tickerboard_frames_sent_total') ?? NaN;
    const bytesBefore = sampleValue(before, 'tickerboard_bytes_sent_total') ?? NaN;
    const conflatedBefore = sampleValue(before, 'tickerboard_updates_conflated_total') ?? NaN;

    const clients: FeedClient[] = [connectClient(feed), connectClient(feed), connectClient(feed)];
    for (const client of clients) {
      await client.connected();
      await client.subscribe(['AAPL', 'BTC-USD']);
    }
    await Promise.all(clients.map((client) => client.nextFrame(5000)));
    await clients[0]?.subscribeCandles({ symbol: 'BTC-USD', interval: '1s' });
    // One frame a second for this one: the ticks in between fold into the entry waiting for its flush.
    const throttled = connectClient(feed);
    await throttled.connected();
    await throttled.emitWithAck('subscribe', { symbols: ['BTC-USD', 'ETH-USD'], throttleMs: 1000 });
    await throttled.nextFrame(5000);
    await throttled.nextFrame(5000);
    clients.push(throttled);

    const after = (await scrape()).samples;
    expect(sampleValue(after, 'tickerboard_connections')).toBe(connectionsBefore + 4);
    expect(sampleValue(after, 'tickerboard_subscriptions', { kind: 'quotes' })).toBe(8);
    expect(sampleValue(after, 'tickerboard_updates_conflated_total')).toBeGreaterThan(conflatedBefore);
    expect(sampleValue(after, 'tickerboard_nodejs_eventloop_lag_seconds')).toBeGreaterThan(0);
    expect(sampleValue(after, 'tickerboard_subscriptions', { kind: 'candles' })).toBe(1);
    const frames = sampleValue(after, 'tickerboard_frames_sent_total') ?? NaN;
    expect(frames).toBeGreaterThanOrEqual(framesBefore + 3);
    const bytes = sampleValue(after, 'tickerboard_bytes_sent_total') ?? NaN;
    // Each frame is at least a packet head and a quote entry.
    expect(bytes - bytesBefore).toBeGreaterThan((frames - framesBefore) * 20);
    expect(sampleValue(after, 'tickerboard_flush_duration_seconds_count')).toBeGreaterThan(0);
    expect(sampleValue(after, 'tickerboard_source_state', { source: 'sim', state: 'live' })).toBe(1);

    for (const client of clients) client.close();
    await waitFor(() => feed.fanOut.clientCount === connectionsBefore, 5000, 'the clients to be gone');
    expect(sampleValue((await scrape()).samples, 'tickerboard_connections')).toBe(connectionsBefore);
  });
});
