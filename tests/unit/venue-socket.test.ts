import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { createLogger } from '../../server/logger';
import { createBackoff } from '../../server/source/relay/backoff';
import { VenueSocket, type VenueSocketHandlers } from '../../server/source/relay/venue-socket';
import { ManualClock } from '../support/manual-clock';
import { sleep, waitFor } from '../support/wait';

const servers: WebSocketServer[] = [];
const sockets: VenueSocket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.stop();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function venue(options: { autoPong?: boolean } = {}) {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', autoPong: options.autoPong ?? true });
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  const connections: WebSocket[] = [];
  const pings: number[] = [];
  server.on('connection', (ws) => {
    connections.push(ws);
    ws.on('ping', () => pings.push(Date.now()));
  });
  return { server, url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`, connections, pings };
}

function open(
  url: string,
  clock: ManualClock,
  handlers: Partial<VenueSocketHandlers>,
  extra: { rotateMs?: number; messagesPerSecond?: number } = {},
) {
  const socket = new VenueSocket({
    venue: 'test',
    url: () => url,
    clock,
    logger: createLogger('silent'),
    pingMs: 1000,
    backoff: createBackoff({ minMs: 500, maxMs: 30_000, random: () => 0.5 }),
    handlers: { open: () => {}, message: () => {}, down: () => {}, ...handlers },
    ...extra,
  });
  sockets.push(socket);
  socket.start();
  return socket;
}

/** Advances the clock in steps, letting real I/O happen between them. */
async function pass(clock: ManualClock, ms: number, step = 50): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    clock.advance(step);
    await sleep(2);
  }
}

describe('a venue socket', () => {
  it('paces what it sends to the venue`s messages per second', async () => {
    const { server, url } = await venue();
    const clock = new ManualClock();
    const arrivals: number[] = [];
    server.on('connection', (ws) => ws.on('message', () => arrivals.push(clock.now())));
    open(
      url,
      clock,
      { open: (send) => Array.from({ length: 12 }, (_, i) => send(`m${i}`)) },
      { messagesPerSecond: 4 },
    );
    await waitFor(() => arrivals.length === 1, 2000, 'the first message');
    await sleep(50);
    expect(arrivals).toHaveLength(1);
    await pass(clock, 3000);
    await waitFor(() => arrivals.length === 12, 2000, 'every message');
    for (const at of arrivals) {
      expect(arrivals.filter((other) => other >= at && other < at + 1000).length).toBeLessThanOrEqual(4);
    }
  });

  it('reconnects after the venue drops it, no sooner than its backoff, and says why it went down', async () => {
    const { url, connections } = await venue();
    const clock = new ManualClock();
    const downs: string[] = [];
    let opens = 0;
    open(url, clock, { open: () => opens++, down: (reason) => downs.push(reason) });
    await waitFor(() => opens === 1 && connections.length === 1, 2000, 'connected');
    connections[0]?.terminate();
    await waitFor(() => downs.length === 1, 2000, 'down');
    expect(downs[0]).toMatch(/connection closed \(1006\)/);
    // Full jitter at 0.5 of the first cap (500 ms): 250 ms.
    await pass(clock, 200);
    await sleep(50);
    expect(connections).toHaveLength(1);
    await pass(clock, 100);
    await waitFor(() => opens === 2, 2000, 'reconnected');
  });

  it('pings through a quiet spell and drops a connection that answers neither pongs nor messages', async () => {
    const { url, pings } = await venue({ autoPong: false });
    const clock = new ManualClock();
    const downs: string[] = [];
    let opened = false;
    open(url, clock, { open: () => (opened = true), down: (reason) => downs.push(reason) });
    await waitFor(() => opened, 2000, 'connected');
    await pass(clock, 1200);
    await waitFor(() => pings.length >= 1, 2000, 'a ping');
    expect(downs).toEqual([]);
    await pass(clock, 1000);
    await waitFor(() => downs.length === 1, 2000, 'down');
    expect(downs[0]).toMatch(/no pong or message for \d+ ms/);
  });

  it('keeps a connection that answers pings, however quiet', async () => {
    const { url } = await venue();
    const clock = new ManualClock();
    const downs: string[] = [];
    let opened = false;
    open(url, clock, { open: () => (opened = true), down: (reason) => downs.push(reason) });
    await waitFor(() => opened, 2000, 'connected');
    await pass(clock, 5000);
    expect(downs).toEqual([]);
  });

  it('rotates before the venue`s forced disconnect, closing the old connection only once the new one delivers', async () => {
    const { server, url, connections } = await venue();
    const clock = new ManualClock();
    const downs: string[] = [];
    let opens = 0;
    server.on('connection', (ws) => {
      // Each connection delivers a message a little after opening.
      setTimeout(() => ws.send('hello'), 30);
    });
    open(url, clock, { open: () => opens++, down: (reason) => downs.push(reason) }, { rotateMs: 3000 });
    await waitFor(() => opens === 1, 2000, 'connected');
    await pass(clock, 2900, 100);
    expect(connections).toHaveLength(1);
    await pass(clock, 200, 100);
    await waitFor(() => opens === 2, 2000, 'the replacement');
    const [first] = connections;
    await waitFor(() => first?.readyState === first?.CLOSED, 2000, 'the old one closed');
    expect(connections[1]?.readyState).toBe(connections[1]?.OPEN);
    expect(downs).toEqual([]);
  });
});
