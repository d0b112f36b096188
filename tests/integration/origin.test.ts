import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../lib/protocol';
import { closeClients, connectClient } from '../support/feed-client';
import { closeTestFeeds, startTestFeed, type TestFeed } from '../support/test-feed';

const BOARD = 'https://board.example';

let feed: TestFeed;

beforeAll(async () => {
  feed = await startTestFeed({ ALLOWED_ORIGINS: [BOARD] });
});
afterEach(closeClients);
afterAll(closeTestFeeds);

describe('socket handshake with ALLOWED_ORIGINS set', () => {
  it('refuses a browser from another origin', async () => {
    const client = connectClient(feed, { origin: 'https://evil.example' });
    await expect(client.connected()).rejects.toThrow();
    expect(client.socket.connected).toBe(false);
  });

  it('refuses the feed’s own address as an origin when it is not listed', async () => {
    const client = connectClient(feed, { origin: feed.url });
    await expect(client.connected()).rejects.toThrow();
  });

  it('admits the allowed origin, which then gets its hello', async () => {
    const client = connectClient(feed, { origin: BOARD });
    await client.connected();
    expect((await client.hello).version).toBe(PROTOCOL_VERSION);
  });

  it('admits a client that sends no Origin (not a browser)', async () => {
    const client = connectClient(feed);
    await client.connected();
    expect((await client.subscribe(['AAPL'])).ok).toBe(true);
  });
});
