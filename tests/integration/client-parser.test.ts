import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { clientParser } from '../../lib/msgpack-parser';
import { closeClients, connectClient, type ConnectOptions } from '../support/feed-client';
import { closeTestFeeds, startTestFeed } from '../support/test-feed';
import { sleep } from '../support/wait';

afterEach(closeClients);
afterAll(closeTestFeeds);

const SYMBOLS = ['BTC-USD', 'ETH-USD', 'AAPL'];
const TRANSPORTS: [string, ConnectOptions][] = [
  ['websocket', { transports: ['websocket'] }],
  ['polling', { transports: ['polling'] }],
  ['upgrading', { transports: ['polling', 'websocket'] }],
  ['base64', { transports: ['websocket'], forceBase64: true }],
];

/**
 * The dashboard's parser (lib/msgpack-parser.ts) against the real server on every transport a browser may end up
 * on: hello, acknowledgements and frames decode, and what it sends is understood.
 */
describe('the client parser', () => {
  it('streams over every transport into a mirror equal to the server', async () => {
    const feed = await startTestFeed({ FLUSH_MS: 100 });
    const clients = TRANSPORTS.map(
      ([name, options]) => [name, connectClient(feed, { ...options, parser: clientParser })] as const,
    );
    for (const [name, client] of clients) {
      expect((await client.hello).version, name).toBe(2);
      expect((await client.subscribe(SYMBOLS)).ok, name).toBe(true);
      expect((await client.subscribeCandles({ symbol: 'BTC-USD', interval: '1s', limit: 20 })).ok, name).toBe(
        true,
      );
    }
    await sleep(2000);
    feed.stopSource();
    await sleep(500);
    for (const [name, client] of clients) {
      expect(client.frames.length, name).toBeGreaterThan(3);
      expect(client.mirror.gaps, name).toEqual([]);
      expect(client.mirror.seqSteps, name).toEqual([]);
      for (const symbol of SYMBOLS) {
        expect(client.mirror.quote(symbol), `${name} ${symbol}`).toEqual({ ...feed.market.quote(symbol) });
      }
      const bars = client.mirror.bars('BTC-USD', '1s') ?? [];
      expect(bars, name).toEqual(feed.market.bars('BTC-USD', '1s', bars.length));
    }
  });
});
