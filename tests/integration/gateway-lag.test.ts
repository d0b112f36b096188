import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configWith } from '../../server/config';
import { clockFor } from '../../server/feed-server';
import { createLogger } from '../../server/logger';
import { startGateway, type Gateway } from '../../server/replication/gateway';
import { connectRedis, KEYS, parseStreamId } from '../../server/replication/redis';
import { CATALOGUE } from '../../server/source/catalogue';
import { parsePrometheusText, sampleValue } from '../support/prometheus';
import { startInProcessIngest, type InProcessIngest } from '../support/in-process-ingest';
import { TestRedis } from '../support/redis-server';
import { TcpFront } from '../support/tcp-front';
import { TEST_MARKET_START } from '../support/test-feed';
import { waitFor } from '../support/wait';

/**
 * The ingest's publisher in this process, over a redis-server of the test's own, and a gateway reading the stream
 * five entries at a time through a front that steps its Redis requests one by one: held between two reads, the
 * gateway stands still however many changes behind it is.
 */
const logger = createLogger('silent');
const config = configWith({
  PORT: 0,
  HOST: '127.0.0.1',
  LOG_LEVEL: 'silent',
  SIM_START: TEST_MARKET_START,
  HISTORY_BARS: 50,
});
const clock = clockFor(config);
const instruments = CATALOGUE.slice(0, 30);
const READ_COUNT = 5;

let redis: TestRedis;
let admin: Redis;
let front: TcpFront;
let ingest: InProcessIngest;
let gateway: Gateway;

beforeAll(async () => {
  redis = await TestRedis.start();
  admin = connectRedis(redis.url, 'test-admin', logger);
  // A stream long enough never to be trimmed past the gateway, and no checkpoint after the first.
  ingest = await startInProcessIngest({
    config,
    clock,
    logger,
    redisUrl: redis.url,
    instruments,
    seed: config.SIM_SEED,
    maxLen: 10_000,
    checkpointMs: 600_000,
  });
  front = new TcpFront([redis.port]);
  await front.listen();
  gateway = await startGateway({ ...config, REDIS_URL: `redis://127.0.0.1:${front.port}` }, logger, {
    clock,
    readCount: READ_COUNT,
  });
}, 30_000);

afterAll(async () => {
  front?.releaseRequests();
  ingest?.stop();
  await gateway?.close();
  await front?.close();
  admin?.disconnect();
  await redis?.stop();
});

const urlOf = (gateway: Gateway) => `http://127.0.0.1:${gateway.feed.port}`;

/** The stream entries holding changes after `position`. */
async function entriesAfter(position: number): Promise<number> {
  const newest = (await admin.xrevrange(KEYS.changes, '+', '-', 'COUNT', 1)) as [string, unknown][];
  const { epoch } = parseStreamId(newest[0]?.[0] ?? '0-0');
  return ((await admin.xrange(KEYS.changes, `(${epoch}-${position}`, '+')) as unknown[]).length;
}

async function readiness(): Promise<{ status: number; body: { status: string; checks: unknown[] } }> {
  const response = await fetch(`${urlOf(gateway)}/readyz`);
  return { status: response.status, body: (await response.json()) as { status: string; checks: unknown[] } };
}

async function lagMetric(): Promise<number | undefined> {
  const text = await (await fetch(`${urlOf(gateway)}/metrics`)).text();
  return sampleValue(parsePrometheusText(text).samples, 'tickerboard_redis_lag_changes');
}

describe("a gateway's replication lag", { timeout: 30_000 }, () => {
  it('counts the changes it is behind while it is held more than a read behind, in /readyz and /metrics, and is 0 and ready once caught up', async () => {
    await waitFor(async () => (await readiness()).status === 200, 10_000, 'the gateway to be caught up');
    expect(gateway.follower.status.lag).toBe(0);
    expect(await lagMetric()).toBe(0);

    // The gateway's requests to Redis held: it stands still, while the market goes on for several reads' worth.
    front.holdRequests();
    const heldAt = gateway.follower.replica.position;
    await waitFor(
      async () => (await entriesAfter(gateway.follower.replica.position)) >= 6 * READ_COUNT,
      10_000,
      'six reads of entries after what the gateway holds',
    );
    ingest.source.stop();
    await waitFor(
      () => ingest.publisher.status.published === ingest.market.position,
      5000,
      "the ingest's last changes to be in the stream",
    );
    const written = ingest.market.position - heldAt;

    // One request at a time, until a full read has made it measure how far behind it is: it then stands there.
    for (let step = 0; gateway.follower.status.lag === 0; step++) {
      if (step === 10) throw new Error('no lag measured after ten requests');
      await front.passRequests();
    }
    const lag = gateway.follower.status.lag;
    expect(lag).toBe(ingest.market.position - gateway.follower.replica.position);
    expect(lag).toBeGreaterThan(0);
    expect(lag).toBeLessThan(written);
    const behind = await readiness();
    expect(behind.status).toBe(503);
    expect(behind.body).toEqual({
      status: 'not ready',
      checks: [
        { name: 'history', ok: true },
        { name: 'accepting', ok: true },
        { name: 'redis', ok: true },
        { name: 'caught up', ok: false, detail: `${lag} changes behind` },
      ],
    });
    expect(await lagMetric()).toBe(lag);

    // The next read takes it a read closer, and the lag falls by what that read applied.
    for (let step = 0; gateway.follower.status.lag === lag; step++) {
      if (step === 10) throw new Error('the lag did not move after ten requests');
      await front.passRequests();
    }
    const closer = gateway.follower.status.lag;
    expect(closer).toBe(ingest.market.position - gateway.follower.replica.position);
    expect(closer).toBeGreaterThan(0);
    expect(closer).toBeLessThan(lag);
    expect(await lagMetric()).toBe(closer);

    front.releaseRequests();
    await waitFor(
      async () => (await readiness()).status === 200,
      10_000,
      'the gateway to be caught up again',
    );
    expect(gateway.follower.status.lag).toBe(0);
    expect(await lagMetric()).toBe(0);
    expect(gateway.follower.replica.checkpoint()).toEqual(ingest.market.checkpoint());
  });
});
