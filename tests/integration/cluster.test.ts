import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClients, connectClient } from '../support/feed-client';
import { freePort, TestRedis } from '../support/redis-server';
import { killRoles, startRole, type RoleProcess } from '../support/role-process';
import { sleep } from '../support/wait';

let redis: TestRedis;
let cluster: RoleProcess;
let url: string;

beforeAll(async () => {
  redis = await TestRedis.start();
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  cluster = startRole(
    'server/cluster.ts',
    { REDIS_URL: redis.url, PORT: String(port), HOST: '127.0.0.1', GATEWAYS: '2', HISTORY_BARS: '500' },
    ['--no-pages'],
  );
  const listening = await cluster.logged('cluster listening', 60_000);
  if (listening.gateways !== 2) throw new Error(`GATEWAYS=2 started ${String(listening.gateways)} workers`);
  for (;;) {
    if (cluster.logs.filter((line) => line.msg === 'gateway worker ready').length === 2) break;
    await sleep(100);
  }
}, 200_000);

afterAll(async () => {
  closeClients();
  await killRoles();
  await redis?.stop();
});

describe('npm run start:cluster', () => {
  it('serves sessions over WebSocket and over long-polling on one port, each kept on its worker', async () => {
    const clients = [
      ...Array.from({ length: 4 }, () => connectClient({ url }, { transports: ['polling'] })),
      ...Array.from({ length: 4 }, () => connectClient({ url }, { transports: ['websocket'] })),
    ];
    for (const client of clients) {
      await client.connected().catch((error: unknown) => {
        throw new Error(`${String(error)}; logs: ${JSON.stringify(cluster.logs.slice(-8))}`);
      });
      const ack = await client.subscribe(['BTC-USD', 'EURUSD']);
      expect(ack.ok).toBe(true);
    }
    // Several frames each: a polling session whose requests reached the wrong worker would fail at once.
    for (const client of clients) {
      await client.nextFrame(5000);
      await client.nextFrame(5000);
      expect(client.socket.connected).toBe(true);
    }
    expect(clients.map((client) => client.socket.io.engine.transport.name)).toEqual([
      ...Array.from({ length: 4 }, () => 'polling'),
      ...Array.from({ length: 4 }, () => 'websocket'),
    ]);
  });

  it("upgrades a session that began on long-polling (a browser's default) to WebSocket on the same worker", async () => {
    const clients = Array.from({ length: 4 }, () =>
      connectClient({ url }, { transports: ['polling', 'websocket'] }),
    );
    const upgraded = clients.map(
      (client) =>
        new Promise<string>((resolve) => client.socket.io.engine.once('upgrade', (t) => resolve(t.name))),
    );
    for (const client of clients) {
      await client.connected();
      expect((await client.subscribe(['BTC-USD'])).ok).toBe(true);
    }
    expect(await Promise.all(upgraded)).toEqual(clients.map(() => 'websocket'));
    for (const client of clients) {
      await client.nextFrame(5000);
      await client.nextFrame(5000);
      expect(client.socket.connected).toBe(true);
      expect(client.mirror.seqSteps).toEqual([]);
    }
  });

  it('stops every worker and ingest on SIGTERM and exits 0', async () => {
    cluster.child.kill('SIGTERM');
    expect(await cluster.exited).toBe(0);
    expect(
      cluster.logs.filter((line) => line.msg === 'stopped').map((line) => line.worker ?? 'ingest'),
    ).toEqual(expect.arrayContaining([1, 2, 'ingest', 'primary']));
  });
});
