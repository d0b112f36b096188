import { afterAll, describe, expect, it } from 'vitest';
import type { ServerNotice } from '../../lib/protocol';
import { closeClients, connectClient } from '../support/feed-client';
import { killRoles, startRole } from '../support/role-process';

afterAll(async () => {
  closeClients();
  await killRoles();
});

describe('on SIGTERM', { timeout: 90_000 }, () => {
  it('stops accepting, asks each client to reconnect at its own moment, closes its transport then, and exits 0 within 10 s', async () => {
    const server = startRole('server/feed.ts', {
      PORT: '0',
      HOST: '127.0.0.1',
      HISTORY_BARS: '500',
      SHUTDOWN_SPREAD_MS: '1500',
    });
    const { port } = (await server.logged('feed listening', 60_000)) as { port: number };
    const url = `http://127.0.0.1:${port}`;
    const clients = Array.from({ length: 6 }, () => connectClient({ url }));
    const notices = clients.map(
      (client) => new Promise<ServerNotice>((resolve) => client.socket.once('notice', resolve)),
    );
    const reasons = clients.map(
      (client) => new Promise<string>((resolve) => client.socket.once('disconnect', resolve)),
    );
    for (const client of clients) {
      await client.connected();
      await client.subscribe(['BTC-USD', 'EURUSD']);
    }
    await Promise.all(clients.map((client) => client.nextFrame(5000)));

    const signalled = Date.now();
    server.child.kill('SIGTERM');
    await server.logged('draining');
    // New connections are refused from the moment it drains.
    await expect(connectClient({ url }).connected()).rejects.toThrow();

    const told = await Promise.all(notices);
    for (const notice of told) {
      expect(notice).toMatchObject({ type: 'reconnect' });
      if (notice.type === 'reconnect') expect(notice.afterMs).toBeLessThan(1500);
    }
    // Spread: not every client told to go at the same moment.
    expect(new Set(told.map((n) => (n.type === 'reconnect' ? n.afterMs : -1))).size).toBeGreaterThan(1);
    // The transport closes under the client, which a Socket.IO client answers by reconnecting by itself.
    expect(await Promise.all(reasons)).toEqual(clients.map(() => 'transport close'));
    expect(await server.exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(10_000);
  });
});
