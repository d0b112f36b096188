import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { expect, test, type Page } from '@playwright/test';
import type { UnixMillis } from '../../lib/nominal';
import { mintToken } from '../../server/guard/token';
import { connection, DEFAULT_SYMBOLS, lastCell } from './board';

const SECRET = 'an end-to-end secret, at least 32 characters';
let server: ChildProcess;
let origin = '';

// A second production server of its own, with AUTH_SECRET, on a free port (the shared one runs without).
test.beforeAll(async () => {
  server = spawn(process.execPath, ['dist/main.js'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', AUTH_SECRET: SECRET },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: server.stdout as NodeJS.ReadableStream });
  const url = await new Promise<string>((resolve, reject) => {
    server.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return; // Next's own lines are not JSON
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'tickerboard listening' && entry.url) resolve(entry.url);
    });
  });
  origin = url.replace('localhost', '127.0.0.1');
});
test.afterAll(() => {
  server.kill('SIGTERM');
});

/** The page's status line (Next's route announcer is an alert too). */
const problem = (page: Page) => page.locator('.problem');

const token = (ttlSeconds: number) => mintToken(SECRET, 'e2e', ttlSeconds, Date.now() as UnixMillis);

test('without a token the page says it is unauthorized and how to get in', async ({ page }) => {
  await page.goto(`${origin}/`);
  await expect(connection(page)).toHaveAttribute('data-status', 'unauthorized', { timeout: 15_000 });
  await expect(problem(page)).toContainText('#token=');
});

test('a #token= link goes live, leaves the address bar, and survives a reload', async ({ page }) => {
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  const minted = await token(3600);
  await page.goto(`${origin}/#token=${minted}`);
  await expect(connection(page)).toHaveAttribute('data-status', 'live', { timeout: 15_000 });
  await expect(lastCell(page, DEFAULT_SYMBOLS[0] ?? 'AAPL')).toHaveText(/\d/, { timeout: 10_000 });
  expect(page.url()).not.toContain('token');
  expect(requests.filter((url) => url.includes(minted))).toEqual([]);

  await page.reload();
  await expect(connection(page)).toHaveAttribute('data-status', 'live', { timeout: 15_000 });
});

test('a token that expires mid-session ends it, and the page says why', async ({ page }) => {
  await page.goto(`${origin}/#token=${await token(6)}`);
  await expect(connection(page)).toHaveAttribute('data-status', 'live', { timeout: 15_000 });
  await expect(connection(page)).toHaveAttribute('data-status', 'unauthorized', { timeout: 15_000 });
  await expect(problem(page)).toContainText('expired');
});
