import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../../lib/protocol';
import { closeClients, connectClient } from '../support/feed-client';
import { killRoles, startRole, type RoleProcess } from '../support/role-process';

/**
 * `npm run dev` (server/main.ts --dev): Next compiles the page on demand, and the one server hands each WebSocket
 * upgrade to its owner: Next's HMR socket to Next, Socket.IO's to the feed. Opened at 127.0.0.1, as the end-to-end
 * tests open theirs (Next serves its dev resources to localhost only unless told otherwise, and the page does not
 * hydrate without its HMR socket). Next allows one dev server per checkout: with `npm run dev` running here, this
 * test fails saying so. NODE_ENV is Next's own `development` (under vitest it is `test`, with which Next's dev
 * server would write another types path into tsconfig.json).
 */
let dev: RoleProcess;
let base: string;

beforeAll(async () => {
  dev = startRole('server/main.ts', { PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'development' }, ['--dev']);
  const listening = await dev.logged('tickerboard listening', 60_000);
  base = String(listening.url).replace('localhost', '127.0.0.1');
}, 90_000);

afterAll(async () => {
  closeClients();
  await killRoles();
});

/** The first message on Next's HMR socket, asked for from the page's own origin. */
function hmrGreeting(): Promise<{ type?: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/_next/hmr?id=dev-server-test`, {
      headers: { origin: base },
    });
    ws.once('message', (data: Buffer) => {
      resolve(JSON.parse(data.toString()) as { type?: string });
      ws.close();
    });
    ws.once('unexpected-response', (_request, response) =>
      reject(new Error(`HMR answered ${response.statusCode}`)),
    );
    ws.once('error', reject);
  });
}

describe('npm run dev', () => {
  it('serves the page, Next’s HMR socket and the feed’s Socket.IO on one port', async () => {
    const page = await fetch(`${base}/`, { signal: AbortSignal.timeout(60_000) });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('tickerboard');

    expect((await hmrGreeting()).type).toEqual(expect.any(String));

    const client = connectClient({ url: base }, { origin: base });
    expect((await client.hello).version).toBe(PROTOCOL_VERSION);
    // Both again, now that Next has served a request (it attached its upgrade handling then).
    expect((await hmrGreeting()).type).toEqual(expect.any(String));
    expect((await connectClient({ url: base }, { origin: base }).hello).version).toBe(PROTOCOL_VERSION);
  }, 90_000);
});
