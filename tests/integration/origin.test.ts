import { request } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../lib/protocol';
import { closeClients, connectClient, type ConnectOptions } from '../support/feed-client';
import { closeTestFeeds, startTestFeed, type TestFeed } from '../support/test-feed';

const BOARD = 'https://board.example';
const PUBLIC = 'http://demo.example:8080';
const TRANSPORTS = [['websocket'], ['polling']] as const;

let listing: TestFeed;
let closed: TestFeed;
let pinned: TestFeed;

beforeAll(async () => {
  [listing, closed, pinned] = await Promise.all([
    startTestFeed({ ALLOWED_ORIGINS: [BOARD] }),
    startTestFeed({ ALLOWED_ORIGINS: ['!self', BOARD] }),
    startTestFeed({ PUBLIC_ORIGIN: PUBLIC }),
  ]);
});
afterEach(closeClients);
afterAll(closeTestFeeds);

/** Whether a handshake with these headers connects and gets its hello. */
async function connects(feed: TestFeed, options: ConnectOptions): Promise<boolean> {
  const client = connectClient(feed, options);
  try {
    await client.connected();
  } catch {
    return false;
  }
  expect((await client.hello).version).toBe(PROTOCOL_VERSION);
  return true;
}

describe.each(TRANSPORTS)('socket handshake over %s', (transport) => {
  const over = (options: ConnectOptions): ConnectOptions => ({ transports: [transport], ...options });

  it('admits the page’s own origin even when ALLOWED_ORIGINS lists another', async () => {
    expect(await connects(listing, over({ origin: listing.url }))).toBe(true);
  });

  it('admits a listed origin, and refuses the own one when the list says !self', async () => {
    expect(await connects(listing, over({ origin: BOARD }))).toBe(true);
    expect(await connects(closed, over({ origin: BOARD }))).toBe(true);
    expect(await connects(closed, over({ origin: closed.url }))).toBe(false);
  });

  it.each([
    ['another scheme', 'http://board.example'],
    ['another port', 'https://board.example:8443'],
    ['a look-alike host (suffix)', 'https://board.example.evil.example'],
    ['a look-alike host (prefix)', 'https://evilboard.example'],
    ['a sandboxed frame', 'null'],
  ])('refuses %s (%s)', async (_what, origin) => {
    expect(await connects(listing, over({ origin }))).toBe(false);
  });

  it('refuses the own host with another scheme or port', async () => {
    const url = new URL(listing.url);
    expect(await connects(listing, over({ origin: `https://${url.host}` }))).toBe(false);
    expect(await connects(listing, over({ origin: `http://${url.hostname}:1` }))).toBe(false);
  });

  it('admits a client that sends no Origin (not a browser)', async () => {
    expect(await connects(listing, over({}))).toBe(true);
  });

  describe('with PUBLIC_ORIGIN', () => {
    // socket.io-client's long-polling in Node cannot set Host (XMLHttpRequest forbids it): over polling, the
    // handshake is sent as the raw Engine.IO request a browser would make.
    const admitted = (headers: Record<string, string>): Promise<boolean> => {
      if (transport === 'websocket') {
        const { origin, ...rest } = headers;
        return connects(pinned, over({ headers: rest, ...(origin === undefined ? {} : { origin }) }));
      }
      return pollingHandshake(pinned, headers).then((status) => status === 200);
    };

    it('admits the page served from the public origin', async () => {
      expect(await admitted({ origin: PUBLIC, host: 'demo.example:8080' })).toBe(true);
    });

    it('refuses a DNS-rebinding host name, with its own origin or none', async () => {
      const rebinding = 'rebind.evil.example:8080';
      expect(await admitted({ origin: `http://${rebinding}`, host: rebinding })).toBe(false);
      expect(await admitted({ host: rebinding })).toBe(false);
    });

    it('refuses the public host with another scheme in the Origin', async () => {
      expect(await admitted({ origin: 'https://demo.example:8080', host: 'demo.example:8080' })).toBe(false);
    });
  });
});

/** The status of a raw long-polling handshake (`GET /socket.io/?EIO=4&transport=polling`) with these headers. */
function pollingHandshake(feed: TestFeed, headers: Record<string, string>): Promise<number> {
  return httpStatus(feed, '/socket.io/?EIO=4&transport=polling', headers);
}

function httpStatus(feed: TestFeed, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    request(`${feed.url}${path}`, { headers, agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });
}

describe('HTTP with PUBLIC_ORIGIN', () => {
  it('answers 421 to a request for another host, but /healthz to anyone', async () => {
    expect(await httpStatus(pinned, '/api/symbols', { host: 'demo.example:8080' })).toBe(200);
    expect(await httpStatus(pinned, '/api/symbols', { host: 'rebind.evil.example:8080' })).toBe(421);
    expect(await httpStatus(pinned, '/healthz', { host: '10.0.0.7:3000' })).toBe(200);
  });
});

describe('a raw long-polling handshake (as a browser sends it)', () => {
  it('is admitted from the own origin and refused from a look-alike or `null`', async () => {
    const host = new URL(listing.url).host;
    expect(await pollingHandshake(listing, { origin: listing.url })).toBe(200);
    expect(await pollingHandshake(listing, { origin: BOARD })).toBe(200);
    expect(await pollingHandshake(listing, { origin: `http://${host}.evil.example` })).toBe(403);
    expect(await pollingHandshake(listing, { origin: 'null' })).toBe(403);
  });
});
