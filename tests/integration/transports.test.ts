import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { closeClients, connectClient, type FeedClient } from '../support/feed-client';
import { closeTestFeeds, startTestFeed } from '../support/test-feed';
import { sleep } from '../support/wait';

afterEach(closeClients);
afterAll(closeTestFeeds);

const SYMBOLS = ['BTC-USD', 'ETH-USD', 'AAPL', 'EURUSD'];

/**
 * Frames reach a WebSocket connection straight through `ws` when Engine.IO holds nothing for it, and go through
 * Engine.IO otherwise (long-polling, or during an upgrade). Whichever way they travel, a client ends with the
 * server's state.
 */
describe('every transport', () => {
  it('streams to WebSocket, long-polling and upgrading clients alike, each ending equal to the server', async () => {
    const feed = await startTestFeed({ FLUSH_MS: 100 });
    const clients: [string, FeedClient][] = [
      ['websocket', connectClient(feed, { transports: ['websocket'] })],
      ['polling', connectClient(feed, { transports: ['polling'] })],
      ['upgrading', connectClient(feed, { transports: ['polling', 'websocket'] })],
    ];
    for (const [, client] of clients) {
      await client.connected();
      const subscribed = await client.subscribe(SYMBOLS);
      expect(subscribed.ok).toBe(true);
      const candles = await client.subscribeCandles({ symbol: 'BTC-USD', interval: '1s', limit: 50 });
      expect(candles.ok).toBe(true);
    }
    await sleep(3000);
    expect(clients.map(([, client]) => client.socket.io.engine.transport.name)).toEqual([
      'websocket',
      'polling',
      'websocket',
    ]);
    feed.stopSource();
    await sleep(1000);
    for (const [name, client] of clients) {
      expect(client.frames.length, name).toBeGreaterThan(5);
      expect(client.mirror.seqSteps, name).toEqual([]);
      expect(client.mirror.gaps, name).toEqual([]);
      for (const symbol of SYMBOLS) {
        expect(client.mirror.quote(symbol), `${name} ${symbol}`).toEqual({ ...feed.market.quote(symbol) });
      }
      const bars = client.mirror.bars('BTC-USD', '1s') ?? [];
      expect(bars, name).toEqual(feed.market.bars('BTC-USD', '1s', bars.length));
    }
  }, 30_000);
});
