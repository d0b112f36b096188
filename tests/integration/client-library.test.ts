import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket as ServerSocket } from 'socket.io';
import * as msgpackParser from 'socket.io-msgpack-parser';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  connect,
  PROTOCOL_VERSION,
  type CandleUpdate,
  type ConnectionState,
  type LiveQuote,
  type SubscriptionState,
  type TickerboardClient,
} from '@tickerboard/client';
import { ensureDefined } from '../../lib/assert';
import { barFromDecimal } from '../../lib/decimals';
import { barToTuple } from '../../lib/protocol';
import { ticks, unixSeconds, type UnixMillis } from '../../lib/nominal';
import { mintToken } from '../../server/guard/token';
import { toPrice, toQuantity } from '../../lib/instrument';
import { closeTestFeeds, startTestFeed, type TestFeed } from '../support/test-feed';
import { sleep, waitFor } from '../support/wait';

/**
 * The client library against the real feed server: subscription objects with explicit states that stay equal to
 * the server through live updates, a gap, a server restart and an unsubscribe.
 */
let feed: TestFeed;
let clients: TickerboardClient[] = [];
const stops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  feed = await startTestFeed();
});
afterEach(async () => {
  for (const client of clients) client.close();
  clients = [];
  for (const stop of stops.splice(0)) await stop();
});
afterAll(closeTestFeeds);

function open(url: string): TickerboardClient {
  const client = connect(url, { transports: ['websocket'], reconnectionDelayMs: 50 });
  clients.push(client);
  return client;
}

/** The server's sockets' requests, as they arrive. */
function recordRequests(server: { io: Server }): { event: string; request: unknown }[] {
  const seen: { event: string; request: unknown }[] = [];
  server.io.on('connection', (socket: ServerSocket) => {
    socket.onAny((event: string, request: unknown) => seen.push({ event, request }));
  });
  return seen;
}

const LIMITS = {
  maxSymbolsPerRequest: 50,
  maxSubscriptions: 200,
  maxCandleStreams: 4,
  maxRequestBytes: 4096,
  requestsPerSecond: 20,
  maxBars: 2000,
};

function states<S extends string>(target: {
  on(event: 'state', listener: (c: { state: S }) => void): unknown;
}) {
  const seen: S[] = [];
  target.on('state', ({ state }) => seen.push(state));
  return seen;
}

describe('a quote subscription', () => {
  it('goes live with decimals and ticks of each symbol, and follows the server until it matches it exactly', async () => {
    const own = await startTestFeed();
    const client = open(own.url);
    const quotes = client.quotes(['AAPL', 'BTC-USD'], { throttleMs: 100 });
    expect(quotes.state).toBe('subscribing');
    await quotes.ready();
    expect(client.state).toBe('connected');
    const updates: LiveQuote[][] = [];
    quotes.on('update', ({ quotes: changed }) => updates.push(changed));
    await waitFor(() => updates.length >= 3, 10_000, 'three updates');

    own.stopSource();
    await sleep(400);
    for (const symbol of ['AAPL', 'BTC-USD']) {
      const live = ensureDefined(quotes.get(symbol), symbol);
      const server = ensureDefined(own.market.quote(symbol), symbol);
      const instrument = ensureDefined(own.market.instrument(symbol), symbol);
      expect(live.ticks).toEqual(server);
      expect(live.instrument).toMatchObject(instrument);
      expect(live.status).toBe('live');
      expect(live.source).toBe('sim');
      expect(live.last).toBe(toPrice(server.last, instrument));
      expect(live.volume).toBe(toQuantity(server.volume, instrument));
      expect(live.stale).toBe(false);
    }
    expect(quotes.state).toBe('live');
  });
});

describe("a symbol's status", () => {
  it('reaches the subscribers of the symbol, and an unknown symbol in it reloads the instruments', async () => {
    const client = open(feed.url);
    const quotes = client.quotes(['NVDA']);
    await quotes.ready();
    expect(quotes.get('NVDA')?.status).toBe('live');
    const updates: LiveQuote[] = [];
    quotes.on('update', ({ quotes: changed }) => updates.push(...changed));
    let reloads = 0;
    client.on('instruments', () => reloads++);
    for (const socket of feed.io.of('/').sockets.values()) {
      socket.emit('status', {
        symbols: [
          ['NVDA', 'stale', 'sim', 1],
          ['NEW-ONE', 'live', 'binance', 2],
        ],
      });
    }
    await waitFor(() => updates.some((quote) => quote.status === 'stale'), 5000, 'a stale status');
    expect(quotes.get('NVDA')).toMatchObject({ status: 'stale', source: 'sim' });
    await waitFor(() => reloads === 1, 5000, 'the instruments reloaded');
  });
});

describe('subscriptions across troubles', () => {
  it('resyncs a symbol that missed an update with one request, and is live again', async () => {
    const requests = recordRequests(feed);
    const client = open(feed.url);
    const quotes = client.quotes(['MSFT', 'ETH-USD']);
    await quotes.ready();
    const seen = states<SubscriptionState>(quotes);
    const held = ensureDefined(quotes.get('MSFT'));
    // Frames from the server that skip sequence numbers: an update was missed.
    for (const socket of feed.io.of('/').sockets.values()) {
      socket.emit('frame', { t: Date.now(), q: [['MSFT', held.seq + 5, 1, 1]] });
      socket.emit('frame', { t: Date.now(), q: [['MSFT', held.seq + 6, 1, 1]] });
    }
    await waitFor(() => seen.at(-1) === 'live', 10_000, 'live again');
    expect(seen).toEqual(['resyncing', 'live']);
    const asked = requests
      .filter(({ event }) => event === 'subscribe')
      .map(({ request }) => (request as { symbols: string[] }).symbols);
    expect(asked).toEqual([['MSFT', 'ETH-USD'], ['MSFT']]);
    expect(quotes.get('MSFT')?.stale).toBe(false);
  });

  it("resyncs a candle stream that missed an entry, and its bars end equal to the server's", async () => {
    const own = await startTestFeed();
    const client = open(own.url);
    const candles = client.candles('BTC-USD', '1s', { limit: 50 });
    await candles.ready();
    const seen = states<SubscriptionState>(candles);
    const seq = ensureDefined(candles.chart).seq;
    for (const socket of own.io.of('/').sockets.values()) {
      socket.emit('frame', { t: Date.now(), c: [['BTC-USD', '1s', seq + 9, [[0, 1, 1, 1, 1, 1]]]] });
    }
    await waitFor(() => seen.at(-1) === 'live', 10_000, 'live again');
    expect(seen).toEqual(['resyncing', 'live']);
    await sleep(1200);
    own.stopSource();
    await sleep(400);
    const bars = ensureDefined(candles.chart).bars;
    expect(bars.some((bar) => bar.time === 0)).toBe(false);
    expect(bars).toEqual(own.market.bars('BTC-USD', '1s', bars.length));
  });

  it('takes a reset from its since on: bars the server no longer has are gone, older ones stay', async () => {
    const own = await startTestFeed();
    const client = open(own.url);
    const candles = client.candles('BTC-USD', '1s', { limit: 20 });
    await candles.ready();
    own.stopSource();
    await sleep(400);
    const held = ensureDefined(candles.chart);
    const since = ensureDefined(held.bars[5]).time;
    const changed = { ...ensureDefined(held.bars[7]), close: ticks(ensureDefined(held.bars[7]).close + 1) };
    const updates: CandleUpdate[] = [];
    candles.on('update', (update) => updates.push(update));
    for (const socket of own.io.of('/').sockets.values()) {
      const bar = barToTuple(changed);
      socket.emit('frame', { t: Date.now(), c: [['BTC-USD', '1s', held.seq + 1, [bar], 1, since]] });
    }
    await waitFor(() => updates.length > 0, 5000, 'the reset');
    const expected = [...held.bars.slice(0, 5), changed];
    expect(ensureDefined(candles.chart).bars).toEqual(expected);
    expect(updates[0]).toMatchObject({ replaced: true, since, changed: expected });
    expect(candles.state).toBe('live');
  });

  it('holds at most maxBars, yet hands a reset over whole, from its since on', async () => {
    const own = await startTestFeed();
    const client = open(own.url);
    const candles = client.candles('BTC-USD', '1s', { limit: 20, maxBars: 10 });
    await candles.ready();
    own.stopSource();
    await sleep(400);
    const held = ensureDefined(candles.chart);
    expect(held.bars).toHaveLength(10);
    // The server replaces everything from the third bar on with 12 bars: more than the client holds.
    const since = ensureDefined(held.bars[2]).time;
    const replacement = Array.from({ length: 12 }, (_, i) => ({
      ...ensureDefined(held.bars[2]),
      time: unixSeconds(since + i),
    }));
    const updates: CandleUpdate[] = [];
    candles.on('update', (update) => updates.push(update));
    for (const socket of own.io.of('/').sockets.values())
      socket.emit('frame', {
        t: Date.now(),
        c: [['BTC-USD', '1s', held.seq + 1, replacement.map(barToTuple), 1, since]],
      });
    await waitFor(() => updates.length > 0, 5000, 'the reset');
    const whole = [...held.bars.slice(0, 2), ...replacement];
    expect(updates[0]).toMatchObject({ replaced: true, since, changed: whole });
    expect(ensureDefined(candles.chart).bars).toEqual(whole.slice(-10));
  });

  it('after a server restart, reconnects and resubscribes everything, and follows the new server', async () => {
    const first = await startTestFeed();
    const client = open(first.url);
    const quotes = client.quotes(['AAPL', 'EURUSD']);
    const candles = client.candles('AAPL', '1m', { limit: 10 });
    await Promise.all([quotes.ready(), candles.ready()]);
    const connection = states<ConnectionState>(client);
    const quoteStates = states<SubscriptionState>(quotes);

    await first.close();
    await waitFor(() => quotes.state === 'stale' && candles.state === 'stale', 10_000, 'stale');
    expect(quotes.get('AAPL')).toBeDefined();
    const second = await startTestFeed({ PORT: first.port });
    const requests = recordRequests(second);
    await waitFor(() => quotes.state === 'live' && candles.state === 'live', 15_000, 'live again');
    expect(connection[0]).toBe('reconnecting');
    expect(connection.at(-1)).toBe('connected');
    expect(quoteStates).toEqual(['stale', 'resyncing', 'live']);
    expect(requests.map(({ event }) => event).sort()).toEqual(['subscribe', 'subscribeCandles']);

    second.stopSource();
    await sleep(400);
    for (const symbol of ['AAPL', 'EURUSD']) {
      expect(quotes.get(symbol)?.ticks).toEqual(second.market.quote(symbol));
    }
    const bars = ensureDefined(candles.chart).bars;
    expect(bars).toEqual(second.market.bars('AAPL', '1m', bars.length));
  });

  it('reports a server of a newer protocol version once, and its subscriptions fail saying so', async () => {
    const http = createServer();
    const io = new Server(http, { parser: msgpackParser });
    io.on('connection', (socket) =>
      socket.emit('hello', {
        version: PROTOCOL_VERSION + 1,
        flushMs: 150,
        minFlushMs: 100,
        maxFlushMs: 2000,
        serverTime: Date.now(),
        limits: LIMITS,
      }),
    );
    let connections = 0;
    io.engine.on('connection', () => connections++);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    stops.push(() => new Promise<void>((resolve) => io.close(() => resolve())));
    const client = open(`http://127.0.0.1:${(http.address() as AddressInfo).port}`);
    const reports: { serverVersion: number | undefined }[] = [];
    client.on('outdated', (report) => reports.push(report));
    const quotes = client.quotes(['AAPL']);

    await expect(client.ready()).rejects.toMatchObject({ code: 'OUTDATED' });
    await expect(quotes.ready()).rejects.toMatchObject({ code: 'OUTDATED' });
    expect(client.state).toBe('outdated');
    expect(quotes.state).toBe('failed');
    await sleep(500);
    expect(reports).toEqual([{ serverVersion: PROTOCOL_VERSION + 1, clientVersion: PROTOCOL_VERSION }]);
    expect(connections).toBe(1);
  });
});

describe('a server that requires a token', () => {
  const SECRET = 'a client library test secret, 32+ characters';

  it('refuses a client without one: the client says so and its subscriptions fail', async () => {
    const guarded = await startTestFeed({ AUTH_SECRET: SECRET });
    const client = open(guarded.url);
    const quotes = client.quotes(['AAPL']);
    await expect(client.ready()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(client.state).toBe('refused');
    expect(quotes.state).toBe('failed');
    expect(quotes.error?.message).toMatch(/^unauthorized/);
  });

  it('serves a client with a valid token, asked for at every attempt', async () => {
    const guarded = await startTestFeed({ AUTH_SECRET: SECRET });
    const token = await mintToken(SECRET, 'client-test', 600, Date.now() as UnixMillis);
    let asked = 0;
    const client = connect(guarded.url, {
      transports: ['websocket'],
      token: () => {
        asked++;
        return token;
      },
    });
    clients.push(client);
    const quotes = client.quotes(['AAPL']);
    await quotes.ready();
    expect(quotes.get('AAPL')?.last).toBeGreaterThan(0);
    // Once for GET /api/symbols, once for the handshake.
    expect(asked).toBeGreaterThanOrEqual(2);
    expect(await client.snapshot(['AAPL'])).toMatchObject({ quotes: [{ symbol: 'AAPL' }] });
  });
});

describe('candle subscriptions', () => {
  it('share one server stream between subscriptions, released with the last, and take history in front', async () => {
    const requests = recordRequests(feed);
    const client = open(feed.url);
    const first = client.candles('SPY', '1m', { limit: 20 });
    const second = client.candles('SPY', '1m', { limit: 40 });
    await Promise.all([first.ready(), second.ready()]);
    const asked = requests.filter(({ event }) => event === 'subscribeCandles');
    expect(asked).toEqual([
      { event: 'subscribeCandles', request: { symbol: 'SPY', interval: '1m', limit: 40 } },
    ]);
    expect(first.chart?.bars).toHaveLength(40);

    const oldest = ensureDefined(first.chart?.bars[0]);
    const older = await client.history('SPY', '1m', { to: oldest.time, limit: 10 });
    expect(older).toHaveLength(10);
    const replaced: boolean[] = [];
    second.on('update', (update) => replaced.push(update.replaced));
    const instrument = ensureDefined(client.instrument('SPY'));
    first.prepend(older.map((bar) => barFromDecimal(bar, instrument)));
    expect(second.chart?.bars).toHaveLength(50);
    expect(second.chart?.bars[0]?.time).toBe(older[0]?.time);
    expect(replaced[0]).toBe(true);

    first.unsubscribe();
    await sleep(300);
    expect(second.state).toBe('live');
    expect(requests.some(({ event }) => event === 'unsubscribeCandles')).toBe(false);
    second.unsubscribe();
    await waitFor(() => requests.some(({ event }) => event === 'unsubscribeCandles'), 5000, 'the release');
    expect(requests.filter(({ event }) => event === 'unsubscribeCandles')).toEqual([
      { event: 'unsubscribeCandles', request: { symbol: 'SPY', interval: '1m' } },
    ]);
  });
});

describe('unsubscribing and refusals', () => {
  it('stops the updates and releases the symbols on the server; the iterator ends', async () => {
    const requests = recordRequests(feed);
    const client = open(feed.url);
    const quotes = client.quotes(['BTC-USD', 'ETH-USD'], { throttleMs: 100 });
    let iterated = 0;
    for await (const update of quotes) {
      expect(update.quotes.length).toBeGreaterThan(0);
      if (++iterated === 3) quotes.unsubscribe();
    }
    expect(quotes.state).toBe('unsubscribed');
    let after = 0;
    quotes.on('update', () => after++);
    await sleep(1000);
    expect(after).toBe(0);
    expect(requests.at(-1)).toEqual({ event: 'unsubscribe', request: { symbols: ['BTC-USD', 'ETH-USD'] } });
  });

  it('fails a subscription with an unknown symbol, naming it, and serves the others', async () => {
    const client = open(feed.url);
    const bad = client.quotes(['AAPL', 'NOPE']);
    const good = client.quotes(['AAPL', 'MSFT']);
    await expect(bad.ready()).rejects.toMatchObject({ code: 'UNKNOWN_SYMBOL', symbols: ['NOPE'] });
    await good.ready();
    expect(bad.error?.message).toContain('NOPE');
    expect(good.all().map((q) => q.symbol)).toEqual(['AAPL', 'MSFT']);
  });
});
