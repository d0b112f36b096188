import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../support/raw-http';
import { closeTestFeeds, startTestFeed, type TestFeed } from '../support/test-feed';
import { startFeedServer } from '../../server/feed-server';
import { configWith } from '../../server/config';
import { createLogger } from '../../server/logger';

const UNPARSABLE = [
  'GET http://[/api/symbols HTTP/1.1',
  'GET http://[/ HTTP/1.1',
  'GET http://%zz/api/candles HTTP/1.1',
  'GET ftp://example.com/api/symbols HTTP/1.1',
  // Refused by Node's own parser before any handler runs:
  'GET api/symbols HTTP/1.1',
  'GET * HTTP/1.1',
  'POST http://[::1/socket.io/?EIO=4&transport=polling HTTP/1.1',
];

/** The checks every server here must pass: 400 for each unparsable target, then still serving. */
function answersUnparsableTargetsWith400(port: () => number): void {
  it.each(UNPARSABLE)('answers 400 to `%s` and keeps serving', async (line) => {
    const response = await rawRequest(port(), `${line}\r\nHost: 127.0.0.1`);
    expect(response.status, response.text).toBe(400);
    expect((await rawRequest(port(), 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1')).status).toBe(200);
  });

  it('serves an absolute-form target like its origin-form', async () => {
    const response = await rawRequest(port(), 'GET http://127.0.0.1/api/symbols HTTP/1.1\r\nHost: 127.0.0.1');
    expect(response.status).toBe(200);
    expect(response.text).toContain('"symbols"');
  });
}

describe('the feed server (in process)', () => {
  let feed: TestFeed;
  beforeAll(async () => {
    feed = await startTestFeed();
  });
  afterAll(closeTestFeeds);
  answersUnparsableTargetsWith400(() => feed.port);
});

describe('a page fallback that fails', () => {
  it('answers 500 when the fallback throws or rejects, and keeps serving', async () => {
    const logger = createLogger('silent');
    const config = configWith({ PORT: 0, HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
    const server = await startFeedServer({
      config,
      logger,
      fallback: (request) => {
        if (request.url === '/throws') throw new Error('page renderer threw');
        return Promise.reject(new Error('page renderer rejected'));
      },
    });
    try {
      for (const path of ['/throws', '/rejects']) {
        const response = await rawRequest(server.port, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1`);
        expect(response.status, path).toBe(500);
      }
      expect((await rawRequest(server.port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1')).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('`npm run feed` (its own process)', () => {
  let child: ChildProcess;
  let port = 0;
  let exited: number | null | undefined;

  beforeAll(async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'server/feed.ts'], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.once('exit', (code) => {
      exited = code;
    });
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    port = await new Promise<number>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`feed exited with ${code} before listening`)));
      lines.on('line', (line) => {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === 'feed listening' && entry.port) resolve(entry.port);
      });
    });
  });
  afterAll(() => {
    child.kill('SIGTERM');
  });

  answersUnparsableTargetsWith400(() => port);

  it('is still running after all of them', () => {
    expect(exited).toBeUndefined();
    expect(child.exitCode).toBeNull();
  });
});
