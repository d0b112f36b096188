import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { PROTOCOL_VERSION } from '../../lib/protocol';
import { routeUpgrades, type UpgradeHandler } from '../../server/http/upgrades';
import { closeClients, connectClient } from '../support/feed-client';
import { closeTestFeeds, startTestFeed } from '../support/test-feed';

/** A real WebSocket endpoint that greets each connection with its name, and counts the paths it was handed. */
function endpoint(name: string): { handler: UpgradeHandler; paths: string[]; close: () => void } {
  const wss = new WebSocketServer({ noServer: true });
  const paths: string[] = [];
  return {
    paths,
    handler: (request, socket, head) => {
      paths.push(request.url ?? '');
      wss.handleUpgrade(request, socket, head, (ws) => ws.send(name));
    },
    close: () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}

type Outcome = { greeting: string } | { status: number };

/** Asks `url` for a WebSocket: the greeting of whatever took it, or the status it was refused with. */
function upgrade(url: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('message', (data: Buffer) => {
      resolve({ greeting: data.toString() });
      ws.close();
    });
    ws.once('unexpected-response', (_request, response) => {
      resolve({ status: response.statusCode ?? 0 });
      response.resume();
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

const SOCKET_IO = '/socket.io/?EIO=4&transport=websocket';
const OTHERS = ['/_next/hmr?id=a1', '/_next/webpack-hmr', '/socket.iox/', '/socket.io', '/'];

describe('routeUpgrades on a real HTTP server', () => {
  const closing: (() => void)[] = [];
  afterEach(() => closing.splice(0).forEach((close) => close()));

  async function serve(routes: Parameters<typeof routeUpgrades>[0]): Promise<string> {
    const http: Server = createServer((_request, response) => response.end());
    http.on('upgrade', routeUpgrades(routes));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    closing.push(() => http.close());
    return `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
  }

  it('hands Socket.IO its own path and every other path to the other handler, each once', async () => {
    const socketIo = endpoint('socket.io');
    const other = endpoint('next');
    closing.push(socketIo.close, other.close);
    const base = await serve({
      socketIoPath: '/socket.io/',
      socketIo: socketIo.handler,
      other: other.handler,
    });

    expect(await upgrade(`${base}${SOCKET_IO}`)).toEqual({ greeting: 'socket.io' });
    for (const path of OTHERS) expect(await upgrade(`${base}${path}`), path).toEqual({ greeting: 'next' });
    expect(socketIo.paths).toEqual([SOCKET_IO]);
    expect(other.paths).toEqual(OTHERS);
  });

  it('refuses other upgrades with a 404 when nothing takes them, and still serves Socket.IO', async () => {
    const socketIo = endpoint('socket.io');
    closing.push(socketIo.close);
    const base = await serve({ socketIoPath: '/socket.io/', socketIo: socketIo.handler });

    expect(await upgrade(`${base}/_next/hmr?id=a1`)).toEqual({ status: 404 });
    expect(await upgrade(`${base}${SOCKET_IO}`)).toEqual({ greeting: 'socket.io' });
  });
});

describe('the feed server’s upgrades', () => {
  afterAll(async () => {
    closeClients();
    await closeTestFeeds();
  });

  it('go to Socket.IO for the feed and to the pages’ handler (Next’s HMR in dev) for the rest', async () => {
    const hmr = endpoint('hmr');
    const feed = await startTestFeed({}, { upgrade: hmr.handler });
    try {
      const client = connectClient(feed);
      expect((await client.hello).version).toBe(PROTOCOL_VERSION);
      expect(await upgrade(`${feed.url.replace('http', 'ws')}/_next/hmr?id=a1`)).toEqual({ greeting: 'hmr' });
      // Socket.IO's connection never reached the other handler.
      expect(hmr.paths).toEqual(['/_next/hmr?id=a1']);
    } finally {
      hmr.close();
    }
  });

  it('refuse any other upgrade with a 404 without a handler for them (production)', async () => {
    const feed = await startTestFeed();
    expect(await upgrade(`${feed.url.replace('http', 'ws')}/_next/hmr?id=a1`)).toEqual({ status: 404 });
    const client = connectClient(feed);
    expect((await client.hello).version).toBe(PROTOCOL_VERSION);
  });
});
