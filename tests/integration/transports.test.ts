import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { CandleEntry, QuoteEntry } from '../../lib/protocol';
import { encodeEntry, frameMessage, packetOf } from '../../server/fanout/wire';
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
      ['base64', connectClient(feed, { transports: ['websocket'], forceBase64: true })],
    ];
    // What the base64 client's WebSocket receives: text only, frames included, as it asked.
    const base64Kinds = new Set<string>();
    const base64 = (clients[3] as [string, FeedClient])[1];
    base64.socket.io.engine.on('open', () => {
      const { ws } = base64.socket.io.engine.transport as unknown as { ws: WebSocket };
      ws.addEventListener('message', (event) => base64Kinds.add(typeof event.data));
    });
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
      'websocket',
    ]);
    expect([...base64Kinds]).toEqual(['string']);
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

describe('frames on the wire', () => {
  it('are byte for byte the packet Socket.IO itself writes for emit("frame", frame)', async () => {
    const feed = await startTestFeed({ FLUSH_MS: 100 });
    const client = connectClient(feed, { transports: ['websocket'] });
    await client.connected();
    const [socket] = [...feed.io.of('/').sockets.values()];
    if (!socket) throw new Error('the server has no socket');
    const conn = socket.conn as unknown as { write(data: unknown, ...rest: unknown[]): unknown };
    const write = conn.write;
    const written: unknown[] = [];
    conn.write = function (this: unknown, data: unknown, ...rest: unknown[]) {
      written.push(data);
      return write.call(this, data, ...rest);
    };
    const t = 1_795_000_000_123;
    const q: QuoteEntry[] = [
      ['BTC-USD', 7, 0b101, 6_500_000, -3],
      ['AAPL', 12, 0, 18_950, 18_960, 18_955, 1_000, 18_900, 19_010, 18_800, 1_795_000_000_000, 1_234_567],
    ];
    const c: CandleEntry[] = [
      ['BTC-USD', '1m', 3, [[1_795_000_000_000, 6_500_000, 6_510_000, 6_490_000, 6_505_000, 42]]],
      ['ETH-USD', '1s', 9, [], 1],
    ];
    try {
      socket.emit('frame', { t, q, c });
      socket.emit('frame', { t, q });
    } finally {
      conn.write = write;
    }
    const ours = [
      frameMessage(t, q.map(encodeEntry), c.map(encodeEntry)),
      frameMessage(t, q.map(encodeEntry), []),
    ].map(packetOf);
    expect(written.map((packet) => Buffer.from(packet as Uint8Array))).toEqual(ours);
  });
});
