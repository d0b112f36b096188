import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import * as msgpackParser from 'socket.io-msgpack-parser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PROTOCOL_VERSION } from '../../lib/protocol';
import { SILENT_CLOSES_BEFORE_OUTDATED } from '@tickerboard/client';
import { connectFeed } from '../../components/store/feed-connection';
import { createMarketStore, type MarketStore } from '../../components/store/market-store';
import { CATALOGUE, publicInstrument } from '../../server/source/catalogue';
import { stubBrowser } from '../support/browser-globals';
import { sleep, waitFor } from '../support/wait';

/**
 * A page stays open across deployments. When the server it reconnects to speaks another protocol, the page says
 * so (status `outdated`, a reload button) and stops reconnecting, rather than retrying forever.
 */
let stops: (() => void | Promise<void>)[] = [];

beforeEach(() => {
  // connectFeed follows the browser's online and offline events; the store keeps the watchlist in localStorage.
  stubBrowser();
});

afterEach(async () => {
  for (const stop of stops.reverse()) await stop();
  stops = [];
  vi.unstubAllGlobals();
});

/** A bare Socket.IO server on 127.0.0.1 that counts its connections; it lists the instruments, as the feed does. */
async function startServer(options: ConstructorParameters<typeof Server>[1]) {
  const http: HttpServer = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ symbols: CATALOGUE.map(publicInstrument) }));
  });
  const io = new Server(http, options);
  const seen = { connections: 0 };
  io.engine.on('connection', () => seen.connections++);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  stops.push(() => new Promise<void>((resolve) => io.close(() => resolve())));
  return { io, url, seen };
}

function connect(url: string): MarketStore {
  const store = createMarketStore();
  stops.push(connectFeed(store, { url, reconnectionDelayMs: 50 }));
  return store;
}

const LIMITS = {
  maxSymbolsPerRequest: 50,
  maxSubscriptions: 200,
  maxCandleStreams: 4,
  maxRequestBytes: 4096,
  requestsPerSecond: 20,
  maxBars: 5000,
};

/** A server's hello, in protocol `version`. */
const helloOf = (version: number) => ({
  version,
  flushMs: 100,
  minFlushMs: 50,
  maxFlushMs: 1000,
  serverTime: Date.now(),
  limits: LIMITS,
});

/** A server of this page's encoding that says hello with `version`, then maybe closes the connection. */
async function helloServer(version: number, then: 'stay' | 'close' = 'stay') {
  const server = await startServer({ parser: msgpackParser });
  server.io.on('connection', (socket) => {
    socket.emit('hello', helloOf(version));
    if (then === 'close') setTimeout(() => socket.conn.close(), 20);
  });
  return server;
}

const enough = SILENT_CLOSES_BEFORE_OUTDATED + 2;

describe('a page that meets a newer server', () => {
  it('is outdated when the server says hello with a newer protocol version, and stops reconnecting', async () => {
    const { io, url, seen } = await helloServer(PROTOCOL_VERSION + 1);
    const store = connect(url);
    await waitFor(() => store.getState().status === 'outdated', 5000, 'the outdated status');
    await sleep(1000);
    expect(store.getState().status).toBe('outdated');
    expect(seen.connections).toBe(1);
    expect(io.of('/').sockets.size).toBe(0);
  });

  it(`is outdated after ${SILENT_CLOSES_BEFORE_OUTDATED} connections in a row close at the first packet, without a hello`, async () => {
    // A server with another encoding (here Socket.IO's default JSON parser) and the page cannot understand
    // each other: every connection opens and is closed at the first packet.
    const { url, seen } = await startServer({});
    const store = connect(url);
    await waitFor(() => store.getState().status === 'outdated', 10_000, 'the outdated status');
    const connections = seen.connections;
    expect(connections).toBe(SILENT_CLOSES_BEFORE_OUTDATED);
    await sleep(1000);
    expect(seen.connections).toBe(connections);
  });

  it('stays outdated through the browser going offline and online', async () => {
    const { url } = await helloServer(PROTOCOL_VERSION + 1);
    const store = connect(url);
    await waitFor(() => store.getState().status === 'outdated', 5000, 'the outdated status');
    window.dispatchEvent(new Event('offline'));
    expect(store.getState().status).toBe('outdated');
    window.dispatchEvent(new Event('online'));
    expect(store.getState().status).toBe('outdated');
  });
});

describe('a page before the hello', () => {
  it('is not live and asks for nothing until the server says hello in its version', async () => {
    const { io, url } = await startServer({ parser: msgpackParser });
    const requests: string[] = [];
    let hello: (() => void) | undefined;
    io.on('connection', (socket) => {
      socket.onAny((event: string) => requests.push(event));
      hello = () => socket.emit('hello', helloOf(PROTOCOL_VERSION));
    });
    const store = connect(url);
    store.setState({ watchlist: ['AAPL'] });
    await waitFor(() => hello, 5000, 'the connection');
    await sleep(500);
    expect(store.getState().status).toBe('connecting');
    expect(requests).toEqual([]);
    hello?.();
    await waitFor(() => store.getState().status === 'live', 5000, 'the live status');
    await waitFor(() => requests.includes('subscribe'), 5000, 'a subscribe request');
  });
});

describe('a page that keeps reconnecting', () => {
  it('while the server is down: no connection ever opened', async () => {
    const { url } = await startServer({ parser: msgpackParser });
    await stops.pop()?.();
    const store = connect(url);
    await sleep(1500); // about ten attempts at 50 to 200 ms
    expect(['connecting', 'reconnecting']).toContain(store.getState().status);
  });

  it('when a server of its own version says hello and then drops it, again and again', async () => {
    const { url, seen } = await helloServer(PROTOCOL_VERSION, 'close');
    const store = connect(url);
    await waitFor(() => seen.connections >= enough, 10_000, `${enough} connections`);
    expect(store.getState().status).not.toBe('outdated');
  });

  it('when the server is older (a rolling deployment): a reload would not help, so it tries again', async () => {
    const { url, seen } = await helloServer(PROTOCOL_VERSION - 1);
    const store = connect(url);
    await waitFor(() => seen.connections >= 3, 10_000, 'three connections');
    expect(store.getState().status).not.toBe('outdated');
    expect(store.getState().status).not.toBe('offline');
  });
});
