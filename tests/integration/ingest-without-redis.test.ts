import { afterAll, describe, expect, it } from 'vitest';
import { closeClients, connectClient } from '../support/feed-client';
import { TestRedis } from '../support/redis-server';
import { killRoles, startRole } from '../support/role-process';
import { TEST_MARKET_START } from '../support/test-feed';
import { sleep } from '../support/wait';

/** An ingest whose Redis is not there yet, each role its own process, as a deploy that starts them in any order. */
const env = (redis: TestRedis): Record<string, string> => ({
  REDIS_URL: redis.url,
  PORT: '0',
  HOST: '127.0.0.1',
  HISTORY_BARS: '500',
  SIM_START: new Date(TEST_MARKET_START).toISOString(),
});

const readyStatus = async (url: string) => (await fetch(`${url}/readyz`)).status;

let redis: TestRedis | undefined;

afterAll(async () => {
  closeClients();
  await killRoles();
  await redis?.stop();
});

describe('an ingest started while Redis is away', { timeout: 180_000 }, () => {
  it('comes up not ready, starts publishing when Redis appears, and its gateways go live', async () => {
    redis = await TestRedis.notStarted();
    const ingest = startRole('server/ingest.ts', env(redis));
    const { port } = (await ingest.logged('ingest listening', 100_000)) as { port: number };
    const ingestUrl = `http://127.0.0.1:${port}`;
    expect(await readyStatus(ingestUrl)).toBe(503);
    // It stays up, and stays not ready, while Redis does not come.
    await sleep(3000);
    expect(ingest.child.exitCode).toBeNull();
    expect(await readyStatus(ingestUrl)).toBe(503);
    expect((await fetch(`${ingestUrl}/healthz`)).status).toBe(200);

    await redis.restart();
    const redisAt = Date.now();
    await ingest.logged('ingest publishing', 10_000);
    const publishing = Date.now() - redisAt;
    expect(await readyStatus(ingestUrl)).toBe(200);

    const gateway = startRole('server/gateway.ts', env(redis), ['--no-pages']);
    const { port: gatewayPort } = (await gateway.logged('gateway listening', 60_000)) as { port: number };
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    const client = connectClient({ url: gatewayUrl });
    await client.connected();
    const ack = await client.subscribe(['BTC-USD']);
    expect(ack.ok).toBe(true);
    const first = JSON.stringify(client.mirror.quote('BTC-USD'));
    const started = Date.now();
    while (JSON.stringify(client.mirror.quote('BTC-USD')) === first) {
      if (Date.now() - started > 10_000) throw new Error('the gateway served no moving price within 10 s');
      await sleep(50);
    }
    expect(await readyStatus(gatewayUrl)).toBe(200);
    console.warn(`ingest started without Redis: publishing ${publishing} ms after Redis appeared`);
  });
});
