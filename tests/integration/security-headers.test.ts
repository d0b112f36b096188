import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configWith } from '../../server/config';
import { startFeedServer, type FeedServer } from '../../server/feed-server';
import { createLogger } from '../../server/logger';
import { rawRequest } from '../support/raw-http';

let server: FeedServer;
let url: string;
/** What the page renderer saw of each request's CSP, as Next would read it for the nonce. */
const seenPolicies: (string | undefined)[] = [];

beforeAll(async () => {
  const config = configWith({
    PORT: 0,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    TRUSTED_PROXIES: ['127.0.0.1'],
  });
  server = await startFeedServer({
    config,
    logger: createLogger('silent'),
    // Stands in for Next: answers a page, noting the policy it was handed.
    fallback: (request: IncomingMessage, response: ServerResponse) => {
      seenPolicies.push(request.headers['content-security-policy'] as string | undefined);
      response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>page</title>');
    },
  });
  url = `http://127.0.0.1:${server.port}`;
});
afterAll(() => server.close());

const COMMON = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

function expectCommon(headers: Headers): void {
  for (const [name, value] of Object.entries(COMMON)) expect(headers.get(name), name).toBe(value);
  expect(headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
}

describe('API responses', () => {
  it.each(['/api/symbols', '/healthz', '/api/candles?symbol=NOPE&interval=1m', '/api/nowhere'])(
    '%s carries nosniff, no-referrer, frame-ancestors none and a CSP that loads nothing',
    async (path) => {
      const response = await fetch(`${url}${path}`);
      expectCommon(response.headers);
      expect(response.headers.get('content-security-policy')).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
    },
  );

  it('the 400 to an unparsable target too', async () => {
    const response = await rawRequest(server.port, 'GET http://[/api/symbols HTTP/1.1\r\nHost: 127.0.0.1');
    expect(response.status).toBe(400);
    expect(response.text.toLowerCase()).toContain('x-content-type-options: nosniff');
  });

  it('long-polling answers carry nosniff', async () => {
    const response = await fetch(`${url}/socket.io/?EIO=4&transport=polling`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('HSTS', () => {
  it('is not sent over plain HTTP', async () => {
    expect((await fetch(`${url}/api/symbols`)).headers.get('strict-transport-security')).toBeNull();
    expect((await fetch(`${url}/`)).headers.get('strict-transport-security')).toBeNull();
  });

  it('is sent when a trusted proxy says the browser came over TLS', async () => {
    const headers = { 'x-forwarded-proto': 'https' };
    for (const path of ['/api/symbols', '/']) {
      expect((await fetch(`${url}${path}`, { headers })).headers.get('strict-transport-security')).toMatch(
        /^max-age=\d{7,}/,
      );
    }
  });
});

describe('pages', () => {
  it('get a CSP with a fresh nonce per response, handed to the renderer on the request', async () => {
    seenPolicies.length = 0;
    const first = await fetch(`${url}/`, {
      headers: { 'content-security-policy': "script-src 'nonce-chosen'" },
    });
    const second = await fetch(`${url}/`);
    expectCommon(first.headers);
    const policies = [first, second].map((response) => response.headers.get('content-security-policy') ?? '');
    const nonces = policies.map((policy) => /'nonce-([A-Za-z0-9+/=]{20,})'/.exec(policy)?.[1]);
    expect(nonces[0]).toBeDefined();
    expect(nonces[0]).not.toBe(nonces[1]);
    // What a client sent in that header is replaced by the server's own policy.
    expect(seenPolicies).toEqual(policies);
  });

  it('let scripts run only by nonce and what they load, and connect only to the own origin', async () => {
    const policy = (await fetch(`${url}/`)).headers.get('content-security-policy') ?? '';
    const directives = Object.fromEntries(
      policy.split('; ').map((directive) => {
        const [name = '', ...values] = directive.split(' ');
        return [name, values];
      }),
    );
    expect(directives['script-src']).toEqual([
      "'self'",
      expect.stringMatching(/^'nonce-/),
      "'strict-dynamic'",
    ]);
    expect(directives['connect-src']).toEqual(["'self'", `ws://127.0.0.1:${server.port}`]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['base-uri']).toEqual(["'none'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(policy).not.toMatch(/unsafe-(inline|eval)/);
  });

  it('connect to wss: when the browser came over TLS', async () => {
    const response = await fetch(`${url}/`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(response.headers.get('content-security-policy')).toContain(
      `connect-src 'self' wss://127.0.0.1:${server.port};`,
    );
  });
});
