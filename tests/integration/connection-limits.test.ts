import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { closeClients, connectClient, type ConnectOptions } from '../support/feed-client';
import { closed, openTcp } from '../support/raw-http';
import { closeTestFeeds, startTestFeed, type TestFeed } from '../support/test-feed';
import { sleep, waitFor } from '../support/wait';

const LIMIT = 3;
// The smallest the configuration takes; a loaded machine can take a few hundred ms between accept and request.
const HANDSHAKE_MS = 1000;

// Each test starts a feed of its own, so no connection of another test (still closing, say) is counted.
const limitedFeed = (trustProxy = false) =>
  startTestFeed({
    MAX_CONNECTIONS_PER_IP: LIMIT,
    HANDSHAKE_TIMEOUT_MS: HANDSHAKE_MS,
    TRUSTED_PROXIES: trustProxy ? ['127.0.0.1'] : [],
  });

afterEach(async () => {
  closeClients();
  await closeTestFeeds();
});

async function connects(feed: TestFeed, options: ConnectOptions = {}): Promise<boolean> {
  const client = connectClient(feed, options);
  return client.connected().then(
    () => true,
    () => false,
  );
}

const from = (address: string): ConnectOptions => ({ headers: { 'x-forwarded-for': address } });

describe('MAX_CONNECTIONS_PER_IP', () => {
  it.each([['websocket'], ['polling']] as const)(
    'admits that many sessions from one address over %s, refuses the next, and admits again once one closes',
    async (transport) => {
      const feed = await limitedFeed();
      const clients = [];
      for (let i = 0; i < LIMIT; i++) {
        const client = connectClient(feed, { transports: [transport] });
        await client.connected();
        clients.push(client);
      }
      expect(await connects(feed, { transports: [transport] })).toBe(false);
      clients[0]?.close();
      await waitFor(() => feed.fanOut.clientCount === LIMIT - 1, 5000, 'the closed session to be gone');
      expect(await connects(feed, { transports: [transport] })).toBe(true);
    },
  );

  it('counts each forwarded address separately behind a trusted proxy', async () => {
    const feed = await limitedFeed(true);
    for (let i = 0; i < LIMIT; i++) expect(await connects(feed, from('198.51.100.1'))).toBe(true);
    expect(await connects(feed, from('198.51.100.1'))).toBe(false);
    expect(await connects(feed, from('198.51.100.2'))).toBe(true);
    // What a client wrote left of the proxy's own entry is not believed: this is 198.51.100.1 again.
    expect(await connects(feed, from('203.0.113.50, 198.51.100.1'))).toBe(false);
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const feed = await limitedFeed();
    for (let i = 0; i < LIMIT; i++) expect(await connects(feed, from(`198.51.100.${10 + i}`))).toBe(true);
    expect(await connects(feed, from('198.51.100.99'))).toBe(false);
  });

  it('closes a TCP connection past twice the limit from one untrusted peer as it is accepted', async () => {
    const feed = await limitedFeed();
    const idle = await Promise.all(Array.from({ length: LIMIT * 2 }, () => openTcp(feed.port)));
    const extra = await openTcp(feed.port);
    expect(await closed(extra)).toBe('');
    // The ones within the limit were kept until the handshake timeout.
    expect(idle.every((socket) => !socket.destroyed)).toBe(true);
    for (const socket of idle) socket.destroy();
  });
});

describe('HANDSHAKE_TIMEOUT_MS', () => {
  it('closes a TCP connection that never sends a request', async () => {
    const feed = await limitedFeed();
    const socket = await openTcp(feed.port);
    expect(await closed(socket)).toBe('');
  });

  it('closes a TCP connection that sends half a request and stops', async () => {
    const feed = await limitedFeed();
    const socket = await openTcp(feed.port);
    socket.write('GET /api/symbols HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    expect(await closed(socket)).toBe('');
  });

  it('closes an Engine.IO WebSocket that opens but never sends a Socket.IO connect', async () => {
    const feed = await limitedFeed();
    const ws = new WebSocket(`ws://127.0.0.1:${feed.port}/socket.io/?EIO=4&transport=websocket`);
    const messages: string[] = [];
    ws.on('message', (data: Buffer) => messages.push(data.toString()));
    await new Promise((resolve) => ws.once('close', resolve));
    expect(messages[0]).toMatch(/^0\{"sid"/);
  });

  it('closes a long-polling Engine.IO session that never sends a Socket.IO connect', async () => {
    const feed = await limitedFeed();
    const open = await fetch(`${feed.url}/socket.io/?EIO=4&transport=polling`);
    const sid = /"sid":"([^"]+)"/.exec(await open.text())?.[1];
    expect(sid).toBeDefined();
    // The next poll is answered with a close packet (`1`, after a noop `6` if the session closed between polls),
    // or, if it comes after the session is gone, refused as an unknown session.
    const poll = await fetch(`${feed.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`);
    const body = await poll.text();
    if (poll.status === 400) expect(body).toContain('Session ID unknown');
    else expect(body).toMatch(/(^|\x1e)1$/);
  });

  it('leaves a connected client alone past the timeout', async () => {
    const feed = await limitedFeed();
    const client = connectClient(feed);
    await client.connected();
    await sleep(HANDSHAKE_MS * 3);
    expect(client.socket.connected).toBe(true);
    expect((await client.subscribe(['AAPL'])).ok).toBe(true);
  });
});
