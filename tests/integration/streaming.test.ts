import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureDefined } from '../../lib/assert';
import { PROTOCOL_VERSION, type Frame, type Refused } from '../../lib/protocol';
import { quoteFromSnapshot, SNAPSHOT } from '../../lib/quote';
import { closeClients, connectClient, type FeedClient } from '../support/feed-client';
import { closeTestFeeds, startTestFeed, type TestFeed } from '../support/test-feed';
import { sleep } from '../support/wait';

let feed: TestFeed;

beforeAll(async () => {
  feed = await startTestFeed();
});
afterEach(closeClients);
afterAll(closeTestFeeds);

const carries = (symbol: string) => (frame: Frame) => frame.q?.some(([s]) => s === symbol) ?? false;

function accepted<T extends { ok: true }>(ack: T | Refused): T {
  if (!ack.ok) throw new Error(`refused: ${ack.error.code} ${ack.error.message}`);
  return ack;
}

function expectCleanStream(client: FeedClient): void {
  expect(client.mirror.seqSteps).toEqual([]);
  expect(client.mirror.gaps).toEqual([]);
  expect(client.mirror.strays).toEqual([]);
}

describe('socket feed', () => {
  it('greets a connection with the protocol version, the flush window and the limits', async () => {
    const client = connectClient(feed);
    const hello = await client.hello;
    expect(hello).toMatchObject({
      version: PROTOCOL_VERSION,
      flushMs: feed.fanOut.flushMs,
      limits: { maxSymbolsPerRequest: 50, maxRequestBytes: 4096 },
    });
    expect(Math.abs(hello.serverTime - feed.clock.now())).toBeLessThan(60_000);
  });

  it('acknowledges a subscribe with a full snapshot of every symbol asked for', async () => {
    const client = connectClient(feed);
    const ack = accepted(await client.subscribe(['AAPL', 'BTC-USD', 'EURUSD']));
    expect(ack.symbols.sort()).toEqual(['AAPL', 'BTC-USD', 'EURUSD']);
    expect(ack.snapshots.map(([symbol]) => symbol)).toEqual(['AAPL', 'BTC-USD', 'EURUSD']);
    for (const [symbol, seq, mask, ...values] of ack.snapshots) {
      expect(mask).toBe(SNAPSHOT);
      expect(Number.isInteger(seq)).toBe(true);
      const quote = ensureDefined(quoteFromSnapshot(values), `${symbol} snapshot decodes`);
      expect(quote.bid, symbol).toBeLessThan(quote.ask);
      // An equity's day range is its regular session's: a pre- or post-market last may lie outside it.
      if (symbol === 'AAPL') continue;
      expect(quote.low, symbol).toBeLessThanOrEqual(quote.last);
      expect(quote.high, symbol).toBeGreaterThanOrEqual(quote.last);
    }
  });

  it('then streams deltas whose seqs grow by exactly one per symbol, at most one frame per flush window', async () => {
    const symbols = ['BTC-USD', 'ETH-USD', 'AAPL', 'TSLA', 'EURUSD'];
    const client = connectClient(feed);
    const { flushMs } = await client.hello;
    accepted(await client.subscribe(symbols));
    const started = Date.now();
    await sleep(3000);
    const elapsed = Date.now() - started;
    const frames = [...client.frames];

    expectCleanStream(client);
    expect(frames.filter(carries('BTC-USD')).length).toBeGreaterThan(3);
    // Loosely: never more frames than flush windows went by (plus the ones at either edge).
    expect(frames.length).toBeLessThanOrEqual(Math.ceil(elapsed / flushMs) + 2);
    for (let i = 1; i < frames.length; i++) {
      const gap = (frames[i] as Frame).t - (frames[i - 1] as Frame).t;
      // One flush, one frame: two frames are a flush timer apart (loosely: timers and GC jitter).
      expect(gap, `frames ${i - 1} and ${i}`).toBeGreaterThan(flushMs / 2);
    }
    for (const frame of frames) {
      expect(frame.q ?? frame.c).toBeDefined();
      for (const [symbol] of frame.q ?? []) expect(symbols).toContain(symbol);
    }
  });

  it('stops sending deltas for a symbol once it is unsubscribed, and keeps sending the others', async () => {
    const client = connectClient(feed);
    accepted(await client.subscribe(['BTC-USD', 'ETH-USD']));
    await client.nextFrame(3000, carries('BTC-USD'));
    expect(accepted(await client.unsubscribe(['BTC-USD'])).symbols).toEqual(['ETH-USD']);
    const after = client.frames.length;
    await client.nextFrame(3000, carries('ETH-USD'));
    await sleep(1000);

    // The mirror dropped BTC-USD in the acknowledgement callback: any later BTC-USD delta would be a stray.
    expectCleanStream(client);
    expect(client.mirror.book['BTC-USD']).toBeUndefined();
    const later = client.frames.slice(after);
    expect(later.filter(carries('BTC-USD'))).toEqual([]);
    expect(later.filter(carries('ETH-USD')).length).toBeGreaterThan(0);
  });

  it('answers a subscribe to a symbol already held with a fresh snapshot equal to what the client holds', async () => {
    const client = connectClient(feed);
    accepted(await client.subscribe(['BTC-USD']));
    await client.nextFrame(3000, carries('BTC-USD'));
    await client.nextFrame(3000, carries('BTC-USD'));

    const ack = accepted(await client.subscribe(['BTC-USD']));
    expect(ack.symbols).toEqual(['BTC-USD']);
    expect(ack.snapshots).toHaveLength(1);
    // Frames sent before the acknowledgement arrive before it: the snapshot is exactly the state they built.
    const [resync] = client.mirror.resyncs;
    const { snapshot, held } = ensureDefined(resync, 'a resync was recorded');
    expect(snapshot[1]).toBe(held.seq);
    expect(snapshot[2]).toBe(SNAPSHOT);
    expect(quoteFromSnapshot(snapshot.slice(3) as number[])).toEqual(held.quote);

    // Deltas carry on from the snapshot's seq.
    await client.nextFrame(3000, carries('BTC-USD'));
    expectCleanStream(client);
    expect(client.mirror.book['BTC-USD']?.seq).toBeGreaterThan(snapshot[1]);
  });

  it('streams candle entries for a subscribed stream, seqs stepping by one from the acknowledgement', async () => {
    const client = connectClient(feed);
    const ack = accepted(await client.subscribeCandles({ symbol: 'BTC-USD', interval: '1s', limit: 50 }));
    expect(ack.bars).toHaveLength(50);
    const entry = (frame: Frame) => frame.c?.some(([s, i]) => s === 'BTC-USD' && i === '1s') ?? false;
    await client.nextFrame(3000, entry);
    await client.nextFrame(3000, entry);
    expectCleanStream(client);
    const bars = ensureDefined(client.mirror.bars('BTC-USD', '1s'));
    expect(bars.length).toBeGreaterThanOrEqual(50);
    expect(bars.every((bar, i) => i === 0 || bar.time > (bars[i - 1]?.time ?? 0))).toBe(true);

    accepted(await client.unsubscribeCandles('BTC-USD', '1s'));
    await sleep(500);
    expectCleanStream(client);
  });

  it('forgets a client when it disconnects', async () => {
    // Earlier tests' clients were closed in afterEach; let the server finish forgetting them.
    await expect.poll(() => feed.fanOut.clientCount, { timeout: 3000 }).toBe(0);
    const client = connectClient(feed);
    await client.connected();
    accepted(await client.subscribe(['AAPL']));
    expect(feed.fanOut.clientCount).toBe(1);
    client.close();
    await expect.poll(() => feed.fanOut.clientCount, { timeout: 3000 }).toBe(0);
  });

  it('keeps no handshake headers and no room of its own per connection, and still serves it', async () => {
    const client = connectClient(feed, { origin: feed.url });
    await client.connected();
    accepted(await client.subscribe(['AAPL']));
    const id = ensureDefined(client.socket.id, 'socket id');
    const socket = feed.io.sockets.sockets.get(id);
    expect(socket).toBeDefined();
    expect(socket?.handshake.headers).toEqual({});
    expect(feed.io.sockets.adapter.rooms.has(id)).toBe(false);
    await client.nextFrame(3000, carries('AAPL'));
  });

  it('serves a browser that starts on long-polling and upgrades to WebSocket', async () => {
    const client = connectClient(feed, { transports: ['polling', 'websocket'] });
    expect((await client.hello).version).toBe(PROTOCOL_VERSION);
    accepted(await client.subscribe(['BTC-USD']));
    await client.nextFrame(3000, carries('BTC-USD'));
    await expect.poll(() => client.socket.io.engine.transport.name, { timeout: 3000 }).toBe('websocket');
    // After the upgrade (whose request the server lets go of), requests and frames go on over the WebSocket.
    accepted(await client.subscribe(['ETH-USD']));
    await client.nextFrame(3000, carries('ETH-USD'));
    expectCleanStream(client);
  });
});
