import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClients, connectClient } from '../support/feed-client';
import { closeTestFeeds, startTestFeed, type TestFeed } from '../support/test-feed';

let dir: string;
let cert: string;
let feed: TestFeed;

beforeAll(async () => {
  // A certificate of its own for 127.0.0.1, valid for a day, made fresh by openssl for this run.
  dir = mkdtempSync(join(tmpdir(), 'tickerboard-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  feed = await startTestFeed({ TLS_CERT: join(dir, 'cert.pem'), TLS_KEY: join(dir, 'key.pem') });
});
afterAll(async () => {
  closeClients();
  await closeTestFeeds();
  rmSync(dir, { recursive: true, force: true });
});

function get(path: string, ca?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${feed.url}${path}`, ca === undefined ? {} : { ca }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('with TLS_CERT and TLS_KEY', () => {
  it('serves https with the certificate it was given', async () => {
    expect(feed.url).toMatch(/^https:\/\//);
    const { status, body } = await get('/healthz', cert);
    expect(status).toBe(200);
    expect(JSON.parse(body)).toMatchObject({ status: 'ok' });
  });

  it('is refused by a client that does not trust the certificate', async () => {
    await expect(get('/healthz')).rejects.toThrow(/self-signed|self signed/);
  });

  it('streams frames over wss', async () => {
    const client = connectClient(feed, { ca: cert, transports: ['websocket'] });
    await client.connected();
    expect(client.socket.io.engine.transport.name).toBe('websocket');
    const ack = await client.subscribe(['BTC-USD']);
    expect(ack.ok).toBe(true);
    const frame = await client.nextFrame(5000);
    expect(frame.q?.[0]?.[0]).toBe('BTC-USD');
  });
});
