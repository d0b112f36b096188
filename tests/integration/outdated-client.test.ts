import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import * as msgpackParser from 'socket.io-msgpack-parser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PROTOCOL_VERSION } from '../../lib/protocol';
import { connectFeed, SILENT_CLOSES_BEFORE_OUTDATED } from '../../components/store/feed-connection';
import { createMarketStore, type MarketStore } from '../../components/store/market-store';
import { sleep, waitFor } from '../support/wait';

/**
 * A page stays open across deployments. When the server it reconnects to speaks another protocol, the page says
 * so (status `outdated`, a reload button) and stops reconnecting, rather than retrying forever.
 */
let stops: (() => void | Promise<void>)[] = [];

beforeEach(() => {
  // connectFeed follows the browser's online and offline events; the store keeps the watchlist in localStorage.
  vi.stubGlobal('window', new EventTarget());
  const items = new Map<string, string>();
  vi.stubGlobal('localStorage', {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  });
});

afterEach(async () => {
  for (const stop of stops.reverse()) await stop();
  stops = [];
  vi.unstubAllGlobals();
});

/** A bare Socket.IO server on 127.0.0.1 that counts its connections. */
async function startServer(options: ConstructorParameters<typeof Server>[1]) {
  const http: HttpServer = createServer();
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
  stops.push(connectFeed(store, { url }));
  return store;
}

describe('a page that meets a newer server', () => {
  it('is outdated when the server says hello with another protocol version, and stops reconnecting', async () => {
    const { io, url, seen } = await startServer({ parser: msgpackParser });
    io.on('connection', (socket) => {
      socket.emit('hello', {
        version: PROTOCOL_VERSION + 1,
        flushMs: 100,
        minFlushMs: 50,
        maxFlushMs: 1000,
        serverTime: Date.now(),
        limits: {
          maxSymbolsPerRequest: 50,
          maxSubscriptions: 200,
          maxCandleStreams: 4,
          maxRequestBytes: 4096,
          requestsPerSecond: 20,
          maxBars: 5000,
        },
      });
    });
    const store = connect(url);
    await waitFor(() => store.getState().status === 'outdated', 5000, 'the outdated status');
    await sleep(2500);
    expect(store.getState().status).toBe('outdated');
    expect(seen.connections).toBe(1);
    expect(io.of('/').sockets.size).toBe(0);
  });

  it(`is outdated after ${SILENT_CLOSES_BEFORE_OUTDATED} connections in a row close without a hello it can read`, async () => {
    // A server with another encoding (here Socket.IO's default JSON parser) and the page cannot understand
    // each other: every connection opens and is closed at the first packet.
    const { url, seen } = await startServer({});
    const store = connect(url);
    await waitFor(() => store.getState().status === 'outdated', 20_000, 'the outdated status');
    const connections = seen.connections;
    expect(connections).toBe(SILENT_CLOSES_BEFORE_OUTDATED);
    await sleep(2500);
    expect(seen.connections).toBe(connections);
  }, 30_000);

  it('keeps trying while the server is down: it never opened a connection, so nothing says it is outdated', async () => {
    const { url } = await startServer({ parser: msgpackParser });
    await stops.pop()?.();
    const store = connect(url);
    await sleep(4000);
    expect(['connecting', 'reconnecting']).toContain(store.getState().status);
  }, 15_000);
});
