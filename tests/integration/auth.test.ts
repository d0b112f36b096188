import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeJwt } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { UnixMillis } from '../../lib/nominal';
import { type Goodbye, PROTOCOL_VERSION } from '../../lib/protocol';
import { configWith } from '../../server/config';
import { startFeedServer } from '../../server/feed-server';
import { mintToken } from '../../server/guard/token';
import { createLogger } from '../../server/logger';
import { closeClients, connectClient } from '../support/feed-client';
import { ManualClock } from '../support/manual-clock';
import { closeTestFeeds, startTestFeed, type TestFeed } from '../support/test-feed';
import { sleep, waitFor } from '../support/wait';

const SECRET = 'a test secret, long enough for HS256 use';
const clock = new ManualClock();
let feed: TestFeed;
let open: TestFeed;

const token = (ttlSeconds: number, secret = SECRET, now = clock.now()) =>
  mintToken(secret, 'trader-1', ttlSeconds, now);

beforeAll(async () => {
  [feed, open] = await Promise.all([startTestFeed({ AUTH_SECRET: SECRET }, { clock }), startTestFeed()]);
});
afterEach(closeClients);
afterAll(closeTestFeeds);

/** The `connect_error` message a socket with this `auth` payload gets, or 'connected'. */
async function handshake(target: TestFeed, auth?: Record<string, unknown>): Promise<string> {
  const client = connectClient(target, auth === undefined ? {} : { auth });
  return client.connected().then(
    () => 'connected',
    (error: Error) => error.message,
  );
}

describe('socket handshake with AUTH_SECRET set', () => {
  it('refuses a socket without a token', async () => {
    expect(await handshake(feed)).toBe('unauthorized: a token is required');
    expect(await handshake(feed, { token: '' })).toBe('unauthorized: a token is required');
    expect(await handshake(feed, { token: 42 })).toBe('unauthorized: a token is required');
  });

  it('refuses a forged token: another secret, a tampered payload, or no signature', async () => {
    expect(
      await handshake(feed, { token: await token(3600, 'another secret, just as long as the real one') }),
    ).toBe('unauthorized: invalid token');
    const [header, , signature] = (await token(3600)).split('.');
    const payload = Buffer.from(JSON.stringify({ sub: 'admin', exp: 9_999_999_999 })).toString('base64url');
    expect(await handshake(feed, { token: `${header}.${payload}.${signature}` })).toBe(
      'unauthorized: invalid token',
    );
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    expect(await handshake(feed, { token: `${none}.${payload}.` })).toBe('unauthorized: invalid token');
  });

  it('refuses a token without exp or sub', async () => {
    const { SignJWT } = await import('jose');
    const key = new TextEncoder().encode(SECRET);
    const noExp = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('x').sign(key);
    const noSub = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(key);
    expect(await handshake(feed, { token: noExp })).toBe('unauthorized: invalid token');
    expect(await handshake(feed, { token: noSub })).toBe('unauthorized: invalid token');
  });

  it('refuses an expired token', async () => {
    expect(
      await handshake(feed, { token: await token(60, SECRET, (clock.now() - 120_000) as UnixMillis) }),
    ).toBe('unauthorized: token expired');
  });

  it('admits a valid token, which then gets its hello and its quotes', async () => {
    const client = connectClient(feed, { auth: { token: await token(3600) } });
    await client.connected();
    expect((await client.hello).version).toBe(PROTOCOL_VERSION);
    expect((await client.subscribe(['AAPL'])).ok).toBe(true);
  });

  it('tells a session its token expired and disconnects it when it does', async () => {
    const client = connectClient(feed, { auth: { token: await token(60) } });
    await client.connected();
    const goodbyes: Goodbye[] = [];
    const reasons: string[] = [];
    client.socket.on('goodbye', (goodbye) => goodbyes.push(goodbye));
    client.socket.on('disconnect', (reason) => reasons.push(reason));
    clock.advance(59_000);
    expect((await client.subscribe(['MSFT'])).ok).toBe(true);
    clock.advance(1_000);
    await waitFor(() => reasons.length > 0, 5000, 'the disconnect');
    expect(goodbyes).toEqual([{ code: 'TOKEN_EXPIRED', message: expect.stringContaining('expired') }]);
    expect(reasons).toEqual(['io server disconnect']);
  });
});

describe('HTTP API with AUTH_SECRET set', () => {
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${feed.url}${path}`, { headers });

  it('answers 401 without a bearer token, naming the scheme', async () => {
    const response = await get('/api/symbols');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(await response.json()).toMatchObject({ error: { code: 'TOKEN_MISSING' } });
  });

  it('answers 401 to a forged or expired token, and to a token in the URL', async () => {
    const forged = await token(3600, 'another secret, just as long as the real one');
    const expired = await token(60, SECRET, (clock.now() - 120_000) as UnixMillis);
    expect((await get('/api/symbols', { authorization: `Bearer ${forged}` })).status).toBe(401);
    const late = await get('/api/symbols', { authorization: `Bearer ${expired}` });
    expect(late.status).toBe(401);
    expect(await late.json()).toMatchObject({ error: { code: 'TOKEN_EXPIRED' } });
    expect((await get(`/api/symbols?token=${await token(3600)}`)).status).toBe(401);
  });

  it('serves a valid bearer token', async () => {
    const response = await get('/api/candles?symbol=AAPL&interval=1m&limit=5', {
      authorization: `Bearer ${await token(3600)}`,
    });
    expect(response.status).toBe(200);
  });

  it('leaves /healthz open', async () => {
    expect((await get('/healthz')).status).toBe(200);
  });
});

describe('with the market clock shifted by SIM_START', () => {
  it('checks tokens against real time, not the market’s', async () => {
    const server = await startFeedServer({
      config: configWith({
        PORT: 0,
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        AUTH_SECRET: SECRET,
        SIM_START: Date.parse('2020-01-07T15:30:00Z'),
      }),
      logger: createLogger('silent'),
    });
    try {
      const target = { url: `http://127.0.0.1:${server.port}` } as TestFeed;
      const now = Date.now() as UnixMillis;
      // Expired an hour ago in real time, though years ahead of the market's 2020.
      expect(
        await handshake(target, { token: await token(60, SECRET, (now - 3_600_000) as UnixMillis) }),
      ).toBe('unauthorized: token expired');
      expect(await handshake(target, { token: await token(3600, SECRET, now) })).toBe('connected');
    } finally {
      closeClients();
      await server.close();
    }
  });
});

describe('the replay’s controls with AUTH_SECRET set', () => {
  it('need a token like the rest of the API, for reading and for commands', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tickerboard-auth-replay-'));
    const recording = await startTestFeed({ RECORD: join(folder, 'run.ndjson'), HISTORY_BARS: 500 });
    await sleep(1500);
    recording.stopSource();
    const replay = await startFeedServer({
      config: configWith({
        PORT: 0,
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        HISTORY_BARS: 500,
        FEED: [`replay:${folder}`],
        AUTH_SECRET: SECRET,
      }),
      logger: createLogger('silent'),
    });
    try {
      const url = `http://127.0.0.1:${replay.port}/api/replay`;
      const pause = (headers: Record<string, string>) =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ action: 'pause' }),
        });
      expect((await fetch(url)).status).toBe(401);
      const refused = await pause({});
      expect(refused.status).toBe(401);
      expect(refused.headers.get('x-content-type-options')).toBe('nosniff');
      expect(replay.replay?.state().paused).toBe(false);

      const bearer = { authorization: `Bearer ${await token(3600, SECRET, Date.now() as UnixMillis)}` };
      expect((await fetch(url, { headers: bearer })).status).toBe(200);
      expect((await pause(bearer)).status).toBe(200);
      expect(replay.replay?.state().paused).toBe(true);
    } finally {
      await replay.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('without AUTH_SECRET', () => {
  it('stays open to sockets and the API, as the demo always was', async () => {
    expect(await handshake(open)).toBe('connected');
    expect((await fetch(`${open.url}/api/symbols`)).status).toBe(200);
  });
});

describe('npm run token', () => {
  it('mints a token for --sub that lasts --ttl and that the server admits', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'scripts/token.ts', '--sub', 'alice', '--ttl', '2h'],
      { env: { ...process.env, AUTH_SECRET: SECRET } },
    );
    const minted = stdout.trim();
    const claims = decodeJwt(minted);
    expect(claims.sub).toBe('alice');
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(7200);
    // The feed's clock stands in 2025; a token minted now is checked on a server that lives now.
    const live = await startTestFeed({ AUTH_SECRET: SECRET });
    expect(await handshake(live, { token: minted })).toBe('connected');
  });

  it('refuses to run without AUTH_SECRET', async () => {
    const run = promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'scripts/token.ts', '--sub', 'alice'],
      {
        env: { ...process.env, AUTH_SECRET: '' },
      },
    );
    await expect(run).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('AUTH_SECRET') });
  });
});
