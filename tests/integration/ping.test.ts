import { connect } from '@tickerboard/client';
import { afterEach, describe, expect, it } from 'vitest';
import { closeTestFeeds, startTestFeed } from '../support/test-feed';

afterEach(async () => {
  await closeTestFeeds();
});

describe('ping', () => {
  it('times a round trip to a real server', async () => {
    const feed = await startTestFeed();
    const client = connect(feed.url, { transports: ['websocket'] });
    try {
      await client.ready();
      const ms = await client.ping();
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThan(30_000);
    } finally {
      client.close();
    }
  });

  it('is refused by a client that is not connected', async () => {
    const feed = await startTestFeed();
    const client = connect(feed.url, { transports: ['websocket'] });
    client.close();
    await expect(client.ping()).rejects.toThrow('not connected');
  });
});
