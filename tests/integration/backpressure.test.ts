import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { CandlesSubscribed, Frame, Refused, Subscribed } from '../../lib/protocol';
import { SNAPSHOT } from '../../lib/quote';
import { SocketIoClient } from '../../bench/load/socket-io-client';
import { ClientMirror } from '../support/client-mirror';
import { closeClients, connectClient } from '../support/feed-client';
import { parsePrometheusText, sampleValue } from '../support/prometheus';
import { closeTestFeeds, startTestFeed, type TestFeed } from '../support/test-feed';
import { sleep, waitFor } from '../support/wait';

afterEach(closeClients);
afterAll(closeTestFeeds);

/** A lean client over a raw WebSocket whose reading a test can stop, with a mirror of what it was sent. */
function slowReader(port: number) {
  const mirror = new ClientMirror();
  const frames: Frame[] = [];
  const client = new SocketIoClient(
    port,
    (name, args) => {
      if (name !== 'frame') return;
      frames.push(args[0] as Frame);
      mirror.frame(args[0] as Frame);
    },
    'msgpack',
  );
  const request = <T>(event: string, payload: unknown, apply: (ack: T) => void) =>
    new Promise<T | Refused>((resolve) =>
      client.emit(event, payload, (response) => {
        const ack = response as T | Refused;
        if ((ack as { ok: boolean }).ok) apply(ack as T);
        resolve(ack);
      }),
    );
  return { client, mirror, frames, request };
}

/** One sample of the server's /metrics. */
async function metric(feed: TestFeed, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${feed.url}/metrics`)).text();
  return sampleValue(parsePrometheusText(text).samples, name);
}

/**
 * Stops `slow` reading, then fills its socket's buffers with large answers (2,000 bars each) until the server
 * notices that nothing drains. The kernel holds a few MB on loopback; the requests stay within the limits.
 */
async function fillUntilBehind(feed: TestFeed, slow: ReturnType<typeof slowReader>): Promise<void> {
  slow.client.connection.throttle(1);
  for (let round = 0; round < 8 && feed.fanOut.behindCount === 0; round++) {
    for (let i = 0; i < 20; i++) {
      void slow.request<CandlesSubscribed>(
        'subscribeCandles',
        { symbol: 'ETH-USD', interval: '1m', limit: 2000 },
        (ack) => slow.mirror.candlesSubscribed(ack),
      );
    }
    await sleep(1000);
  }
}

describe('a connection that stops reading', () => {
  it('is sent nothing more while it lags, leaves the others served, and is brought back by one frame of snapshots', async () => {
    const feed = await startTestFeed({ FLUSH_MS: 100, SLOW_CLIENT_MS: 120_000 });
    const symbols = feed.market.instruments.map((instrument) => instrument.symbol);
    const slow = slowReader(feed.port);
    await slow.client.connected;
    await slow.request<Subscribed>('subscribe', { symbols, throttleMs: 100 }, (ack) =>
      slow.mirror.subscribed(ack),
    );
    await slow.request<CandlesSubscribed>(
      'subscribeCandles',
      { symbol: 'BTC-USD', interval: '1s', limit: 100, throttleMs: 100 },
      (ack) => slow.mirror.candlesSubscribed(ack),
    );
    const healthy = connectClient(feed);
    await healthy.subscribe(['BTC-USD', 'ETH-USD']);

    await fillUntilBehind(feed, slow);
    await waitFor(() => feed.fanOut.behindCount === 1, 10_000, 'the server to see the connection lag');
    expect(await metric(feed, 'tickerboard_slow_clients')).toBe(1);

    // While it lags, ticks go on but nothing more is queued for it: neither Engine.IO's packets nor the bytes
    // waiting in the WebSocket for the kernel grow.
    const [socket] = [...feed.io.sockets.sockets.values()].filter((s) => s.id !== healthy.socket.id);
    const conn = socket?.conn as unknown as {
      writeBuffer: unknown[];
      transport: { socket: { bufferedAmount: number } };
    };
    const queued = () => conn.writeBuffer.length;
    const buffered = () => conn.transport.socket.bufferedAmount;
    const before = queued();
    const bufferedBefore = buffered();
    const healthyFrames = healthy.frames.length;
    await sleep(2000);
    expect(queued()).toBe(before);
    expect(before).toBeLessThanOrEqual(2);
    expect(buffered()).toBe(bufferedBefore);
    expect(healthy.frames.length).toBeGreaterThan(healthyFrames + 5);

    // It reads again: the backlog arrives, then one frame with a snapshot of every symbol that changed.
    const framesBefore = slow.frames.length;
    slow.client.connection.throttle(0);
    await waitFor(() => feed.fanOut.behindCount === 0, 15_000, 'the connection to catch up');
    expect(await metric(feed, 'tickerboard_slow_clients')).toBe(0);
    const catchUp = await waitFor(
      () => slow.frames.slice(framesBefore).find((frame) => frame.q?.some((entry) => entry[2] === SNAPSHOT)),
      10_000,
      'the catch-up frame',
    );
    expect(catchUp.q?.every((entry) => entry[2] === SNAPSHOT)).toBe(true);
    expect(catchUp.c?.every((entry) => entry[4] === 1)).toBe(true);

    // With the market frozen and the last flush read, it holds exactly what the server holds.
    feed.stopSource();
    await sleep(500);
    expect(slow.mirror.seqSteps).toEqual([]);
    expect(slow.mirror.gaps).toEqual([]);
    for (const symbol of symbols)
      expect(slow.mirror.quote(symbol), symbol).toEqual({ ...feed.market.quote(symbol) });
    const bars = slow.mirror.bars('BTC-USD', '1s') ?? [];
    expect(bars.length).toBeGreaterThan(100);
    expect(bars).toEqual(feed.market.bars('BTC-USD', '1s', bars.length));
  }, 90_000);

  it('is disconnected once it has not drained for SLOW_CLIENT_MS, and /metrics counts it', async () => {
    const feed = await startTestFeed({ FLUSH_MS: 100, SLOW_CLIENT_MS: 1000 });
    const slow = slowReader(feed.port);
    await slow.client.connected;
    const symbols = feed.market.instruments.map((instrument) => instrument.symbol);
    await slow.request<Subscribed>('subscribe', { symbols }, (ack) => slow.mirror.subscribed(ack));
    const healthy = connectClient(feed);
    await healthy.subscribe(['BTC-USD']);
    expect(await metric(feed, 'tickerboard_slow_disconnects_total')).toBe(0);

    await fillUntilBehind(feed, slow);
    await waitFor(() => feed.fanOut.stats.slowDisconnects === 1, 15_000, 'the server to drop the connection');
    expect(await metric(feed, 'tickerboard_slow_disconnects_total')).toBe(1);
    expect(await metric(feed, 'tickerboard_slow_clients')).toBe(0);
    expect(await metric(feed, 'tickerboard_connections')).toBe(1);
    expect(healthy.socket.connected).toBe(true);
  }, 90_000);
});
