import { encode } from 'notepack.io';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Refused } from '../../lib/protocol';
import { closeClients, connectClient } from '../support/feed-client';
import { rawPolling, rawWebSocket, type RawConnection } from '../support/raw-engine-io';
import { ManualClock } from '../support/manual-clock';
import { closeTestFeeds, startTestFeed, type TestFeed } from '../support/test-feed';
import { sleep, waitFor } from '../support/wait';

/**
 * What a client may not do with its connection, against a real server: name events it has no business naming,
 * smuggle prototype keys, ignore the rate limit, or leave its answers unread.
 */
const MAX_QUEUED_BYTES = 256 * 1024;
const HISTORY_BARS = 10_000;

let feed: TestFeed;
beforeAll(async () => {
  feed = await startTestFeed({ MAX_QUEUED_BYTES, HISTORY_BARS });
});
afterEach(closeClients);
afterAll(closeTestFeeds);

const event = (name: string, payload?: unknown, id?: number) =>
  encode({
    type: 2,
    nsp: '/',
    data: payload === undefined ? [name] : [name, payload],
    ...(id === undefined ? {} : { id }),
  });

/** The server's count of connections it serves, back to `expected` (and never below it). */
async function servedConnections(expected: number): Promise<void> {
  await waitFor(() => feed.fanOut.clientCount === expected, 5000, `${expected} served connections`);
  await sleep(100);
  expect(feed.fanOut.clientCount).toBe(expected);
}

function refusal(ack: unknown): Refused['error'] {
  expect(ack).toMatchObject({ ok: false });
  return (ack as Refused).error;
}

describe('an event name outside the protocol', () => {
  it.each(['connect', 'disconnect', 'disconnecting', 'error', 'newListener', 'connect_error'])(
    '%s, reserved by Socket.IO, closes its connection and runs none of the server’s handlers',
    async (name) => {
      const bystander = connectClient(feed);
      await bystander.connected();
      const raw = await rawWebSocket(feed.port);
      await raw.connectSocketIo();
      await servedConnections(2);
      await raw.send([event(name, {}, 1)]);
      expect(await raw.closedByServer(5000)).toBe(true);
      // A `disconnect` handled as an event would have removed the connection while its socket stayed open.
      await servedConnections(1);
      expect(bystander.socket.connected).toBe(true);
      raw.close();
    },
  );

  it.each(['hello', 'frame', 'hasOwnProperty', '__proto__', 'subscribe2'])(
    'unknown to the protocol (%s) is refused as INVALID_REQUEST, and the connection stays',
    async (name) => {
      const client = connectClient(feed);
      const error = refusal(await client.emitWithAck(name, { symbols: ['AAPL'] }));
      expect(error).toMatchObject({ code: 'INVALID_REQUEST', message: `unknown event: ${name}` });
      expect((await client.subscribe(['AAPL'])).ok).toBe(true);
    },
  );
});

describe('a key that reaches a prototype', () => {
  it.each(['constructor', 'prototype'])('(%s) is refused as INVALID_REQUEST', async (key) => {
    const client = connectClient(feed);
    const error = refusal(
      await client.emitWithAck('subscribe', { symbols: ['AAPL'], [key]: { symbols: [] } }),
    );
    expect(error).toEqual({ code: 'INVALID_REQUEST', message: `key not allowed: ${key}` });
    expect((await client.subscribe(['AAPL'])).ok).toBe(true);
  });

  it('__proto__ closes the connection: the decoder refuses it before anything reads the request', async () => {
    const raw = await rawWebSocket(feed.port);
    await raw.connectSocketIo();
    // {"__proto__": {"symbols": ["AAPL"]}}, as notepack.io would have decoded it into a subscribe request.
    const request = Buffer.from('81a95f5f70726f746f5f5f81a773796d626f6c7391a44141504c', 'hex');
    const packet = Buffer.concat([
      Buffer.from(
        '84a474797065 02 a36e7370 a12f a464617461 92 a9737562736372696265'.replace(/ /g, ''),
        'hex',
      ),
      request,
      Buffer.from('a2696401', 'hex'),
    ]);
    await raw.send([packet]);
    expect(await raw.closedByServer(5000)).toBe(true);
    raw.close();
  });
});

describe('a client over the rate limit', () => {
  // Time stands still unless the test moves it, so no token refills in the middle of a burst however slow the
  // machine is.
  const clock = new ManualClock();
  let still: TestFeed;
  beforeAll(async () => {
    still = await startTestFeed({}, { clock });
  });

  it('is told once, as RATE_LIMITED, and disconnected at its next request refused for rate', async () => {
    const client = connectClient(still, { ackTimeoutMs: 2000 });
    const { limits } = await client.hello;
    const disconnected = new Promise<string>((resolve) => client.socket.once('disconnect', resolve));
    const burst = limits.requestsPerSecond * 4;
    const answers = await Promise.allSettled(
      Array.from({ length: burst }, () => client.emitWithAck('unsubscribe', { symbols: ['AAPL'] })),
    );
    const codes = answers.map((answer) =>
      answer.status === 'rejected'
        ? 'none'
        : (answer.value as { ok: boolean }).ok
          ? 'ok'
          : refusal(answer.value).code,
    );
    // The bucket holds a burst of twice the rate; then one refusal, then nothing more is answered.
    const served = limits.requestsPerSecond * 2;
    expect(codes.slice(0, served)).toEqual(Array(served).fill('ok'));
    expect(codes[served]).toBe('RATE_LIMITED');
    expect(codes.slice(served + 1)).toEqual(Array(burst - served - 1).fill('none'));
    expect(await disconnected).toBe('io server disconnect');
  });

  it('that slows down after being told keeps its connection', async () => {
    const client = connectClient(still);
    const { limits } = await client.hello;
    const burst = limits.requestsPerSecond * 2 + 1;
    const codes = await Promise.all(
      Array.from({ length: burst }, () =>
        client.emitWithAck('unsubscribe', { symbols: ['AAPL'] }).then((ack) => (ack as { ok: boolean }).ok),
      ),
    );
    expect(codes.filter((ok) => !ok)).toHaveLength(1);
    expect(codes.at(-1)).toBe(false);
    clock.advance(1000 / limits.requestsPerSecond);
    expect((await client.subscribe(['AAPL'])).ok).toBe(true);
    // Served again, so the warning is spent: the next refusal is told, not a disconnect.
    expect(refusal(await client.emitWithAck('unsubscribe', { symbols: ['AAPL'] })).code).toBe('RATE_LIMITED');
    expect(client.socket.connected).toBe(true);
  });
});

describe('a client that does not read what it is sent', () => {
  const bigAnswer = (id: number) =>
    event('subscribeCandles', { symbol: 'BTC-USD', interval: '1s', limit: HISTORY_BARS }, id);

  /** The server's connections other than the bystander's, with the bytes queued for each. */
  const queued = () =>
    [...feed.io.of('/').sockets.values()].map((socket) =>
      (socket.data as { connection: { queuedBytes(): number } }).connection.queuedBytes(),
    );

  it.each<[string, (port: number) => Promise<RawConnection>]>([
    ['over long-polling (it never polls)', rawPolling],
    ['over WebSocket (it never reads its TCP socket)', rawWebSocket],
  ])(
    '%s is closed once its unread answers pass MAX_QUEUED_BYTES, never holding much more',
    async (_, open) => {
      const bystander = connectClient(feed);
      expect((await bystander.subscribe(['BTC-USD'])).ok).toBe(true);
      const raw = await open(feed.port);
      await raw.connectSocketIo();
      raw.stopReading();
      await servedConnections(2);
      let most = 0;
      let id = 0;
      // Under the rate limit, a few large answers at a time, until the server gives up on it.
      for (let round = 0; round < 100 && feed.fanOut.clientCount > 1; round++) {
        await raw.send(Array.from({ length: 4 }, () => bigAnswer(id++)));
        await sleep(250);
        most = Math.max(most, ...queued());
      }
      await servedConnections(1);
      process.stdout.write(
        `unread client ${raw.transport}: closed after ${id} requests, most queued ${most} bytes\n`,
      );
      // Checked before each answer: the bound, plus the one answer (about 300 KB of bars) that found it under.
      expect(most).toBeLessThan(MAX_QUEUED_BYTES + 512 * 1024);
      expect(Math.max(0, ...queued())).toBeLessThan(64 * 1024);
      expect(bystander.socket.connected).toBe(true);
      raw.close();
    },
    60_000,
  );

  it('that asks for nothing is closed too once what the server broadcasts to it passes MAX_QUEUED_BYTES', async () => {
    const raw = await rawPolling(feed.port);
    await raw.connectSocketIo();
    raw.stopReading();
    await servedConnections(1);
    // Status broadcasts reach every connection, whether it asks for anything or not.
    const symbols = Array.from({ length: 2000 }, (_, i) => [`SYM${i}`, 'stale', 'sim', i] as const);
    for (let i = 0; i < 100 && feed.fanOut.clientCount > 0; i++) {
      feed.io.emit('status', { symbols: symbols.map((entry) => [...entry]) });
      await sleep(50);
    }
    await servedConnections(0);
    raw.close();
  });
});
