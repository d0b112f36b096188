import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDeepStrictEqual } from 'node:util';
import type { Bar } from '../../lib/candles';
import type { ServerNotice } from '../../lib/protocol';
import { configWith } from '../../server/config';
import { clockFor } from '../../server/feed-server';
import { createLogger } from '../../server/logger';
import { startGateway, type Gateway } from '../../server/replication/gateway';
import { connectRedis, KEYS, parseStreamId, redisReady } from '../../server/replication/redis';
import { broadcastNotice, reconnectEveryone } from '../../server/socket/notices';
import { CATALOGUE } from '../../server/source/catalogue';
import { closeClients, connectClient, type FeedClient } from '../support/feed-client';
import { parsePrometheusText, sampleValue } from '../support/prometheus';
import { startInProcessIngest, type InProcessIngest } from '../support/in-process-ingest';
import { TestRedis } from '../support/redis-server';
import { TcpFront } from '../support/tcp-front';
import { TEST_MARKET_START } from '../support/test-feed';
import { sleep, waitFor } from '../support/wait';

/**
 * The ingest's publisher and gateways in this process, over a redis-server of the test's own: one gateway reaches
 * Redis through a front that can stall its link, as a stopped or starved gateway would find it on waking.
 */
const logger = createLogger('silent');
const config = configWith({
  PORT: 0,
  HOST: '127.0.0.1',
  LOG_LEVEL: 'silent',
  SIM_START: TEST_MARKET_START,
  HISTORY_BARS: 200,
});
const clock = clockFor(config);
const instruments = CATALOGUE.slice(0, 30);
const symbols = instruments.map((instrument) => instrument.symbol);

let redis: TestRedis;
let admin: Redis;
let front: TcpFront;
const startIngestHere = (seed: number) =>
  startInProcessIngest({
    config,
    clock,
    logger,
    redisUrl: redis.url,
    instruments,
    seed,
    maxLen: 20,
    checkpointMs: 1000,
  });

let ingest: InProcessIngest;
let behind: Gateway;
let other: Gateway;

const urlOf = (gateway: Gateway) => `http://127.0.0.1:${gateway.feed.port}`;

beforeAll(async () => {
  redis = await TestRedis.start();
  admin = connectRedis(redis.url, 'test-admin', logger);
  // Small stream nodes, so that MAXLEN ~ trims the stream a few entries at a time rather than by the hundred.
  await redisReady(admin);
  await admin.config('SET', 'stream-node-max-entries', '5');
  ingest = await startIngestHere(config.SIM_SEED);
  front = new TcpFront([redis.port]);
  await front.listen();
  behind = await startGateway({ ...config, REDIS_URL: `redis://127.0.0.1:${front.port}` }, logger, { clock });
  other = await startGateway({ ...config, REDIS_URL: redis.url }, logger, { clock });
}, 60_000);

afterAll(async () => {
  closeClients();
  front?.release();
  ingest?.stop();
  await behind?.close();
  await other?.close();
  await front?.close();
  admin?.disconnect();
  await redis?.stop();
});

/** The stream's entry IDs from `after` on (exclusive), oldest first. */
async function entriesAfter(after: string, count: number): Promise<string[]> {
  const entries = (await admin.xrange(KEYS.changes, `(${after}`, '+', 'COUNT', count)) as [string, unknown][];
  return entries.map(([id]) => id);
}

async function oldestEntry(): Promise<string | undefined> {
  const entries = (await admin.xrange(KEYS.changes, '-', '+', 'COUNT', 1)) as [string, unknown][];
  return entries[0]?.[0];
}

const positionOf = (id: string | undefined) => (id === undefined ? 0 : parseStreamId(id).position);

async function metricsOf(gateway: Gateway) {
  return parsePrometheusText(await (await fetch(`${urlOf(gateway)}/metrics`)).text()).samples;
}

/** A board (every symbol's quote) and a chart (three symbols' 1s bars) on one gateway, counting disconnects. */
async function watch(gateway: Gateway) {
  const url = urlOf(gateway);
  const board = connectClient({ url });
  await board.connected();
  expect((await board.subscribe(symbols)).ok).toBe(true);
  const chart = connectClient({ url });
  await chart.connected();
  for (const symbol of symbols.slice(0, 3)) {
    expect((await chart.subscribeCandles({ symbol, interval: '1s', limit: 200 })).ok).toBe(true);
  }
  const watching = { board, chart, disconnects: 0 };
  for (const client of [board, chart]) client.socket.on('disconnect', () => watching.disconnects++);
  return watching;
}

/**
 * Freezes the ingest's market, and expects the gateway to hold it exactly once it has applied the last write,
 * and the clients to hold what a fresh client of the gateway is sent, with no gap and no disconnect on the way:
 * every bar the gateway holds, and none other from its first on. With `oldMarket` (the bars the chart held
 * before the market was replaced), not one of those bars is left, even before the gateway's first.
 */
async function expectIdenticalOnceFrozen(
  watching: Awaited<ReturnType<typeof watch>>,
  { oldMarket }: { oldMarket?: ReadonlyMap<string, readonly Bar[]> } = {},
): Promise<void> {
  const { board, chart } = watching;
  ingest.source.stop();
  // The last changes go out within a batch (10 ms), and the gateway applies them.
  await waitFor(
    () => behind.follower.replica.position === ingest.market.position,
    10_000,
    "the gateway to reach the ingest's position",
  );
  expect(behind.follower.replica.checkpoint()).toEqual(ingest.market.checkpoint());
  // Two flush periods: what the gateway holds has gone out.
  await sleep(400);

  const reference = connectClient({ url: urlOf(behind) });
  await reference.connected();
  await reference.subscribe(symbols);
  for (const symbol of symbols)
    expect(board.mirror.quote(symbol), symbol).toEqual(reference.mirror.quote(symbol));
  for (const symbol of symbols.slice(0, 3)) {
    // HISTORY_BARS: every bar the gateway holds.
    await reference.subscribeCandles({ symbol, interval: '1s', limit: config.HISTORY_BARS });
    const held = chart.mirror.bars(symbol, '1s') ?? [];
    const truth = reference.mirror.bars(symbol, '1s') ?? [];
    expect(truth.length, symbol).toBeGreaterThan(0);
    const from = (truth[0] as Bar).time;
    // Bars before the gateway's first were trimmed from it since the client got them.
    expect(held.filter((bar) => bar.time >= from)).toEqual(truth);
    if (oldMarket) {
      const old = new Map((oldMarket.get(symbol) ?? []).map((bar) => [bar.time, bar]));
      expect(old.size, symbol).toBeGreaterThan(0);
      const left = held.filter((bar) => bar.time < from && isDeepStrictEqual(old.get(bar.time), bar));
      expect(left, `${symbol}: bars of the old market`).toEqual([]);
    }
  }
  for (const client of [board, chart]) {
    expect(client.mirror.gaps).toEqual([]);
    expect(client.mirror.seqSteps).toEqual([]);
    for (const held of client.mirror.charts.values()) expect(held.stale).toBe(false);
  }
  expect(watching.disconnects).toBe(0);
  reference.close();
}

describe('a gateway', { timeout: 60_000 }, () => {
  it("that fell behind the stream's MAXLEN reloads a checkpoint, ends identical to the ingest, and no client of it sees a gap", async () => {
    const watching = await watch(behind);
    await watching.board.nextFrame(5000);
    expect(behind.follower.status.reloads).toBe(0);

    // The gateway's link stalls: what Redis sends it (a read answered just before) is held back.
    front.hold();
    await sleep(200);
    const lastSeen = (await admin.xrevrange(KEYS.changes, '+', '-', 'COUNT', 1)) as [string, unknown][];
    const heldUpTo = lastSeen[0]?.[0] ?? '0-0';
    // Three entries written after it, and then the stream trimmed past all three: whatever the held reply
    // carries, the entry after it is gone by the time the gateway reads again.
    let third = '';
    await waitFor(
      async () => {
        third = (await entriesAfter(heldUpTo, 3))[2] ?? '';
        return third !== '';
      },
      10_000,
      'three more entries',
    );
    await waitFor(
      async () => positionOf(await oldestEntry()) > positionOf(third),
      20_000,
      'the stream to be trimmed past what the gateway holds',
    );
    front.release();

    await waitFor(() => behind.follower.status.reloads > 0, 10_000, 'the gateway to reload');
    await waitFor(
      async () => (await fetch(`${urlOf(behind)}/readyz`)).status === 200,
      10_000,
      'the gateway to be caught up again',
    );
    await sleep(500);
    await expectIdenticalOnceFrozen(watching);
    expect(sampleValue(await metricsOf(behind), 'tickerboard_checkpoint_reloads_total')).toBe(
      behind.follower.status.reloads,
    );
    for (const client of [watching.board, watching.chart]) client.close();
  });

  it("follows a restarted ingest (a new market, a new epoch) to the new market's prices, and no client sees a gap", async () => {
    // Watching the old market, frozen where the last test left it.
    const watching = await watch(behind);
    const oldMarket = new Map(
      symbols.slice(0, 3).map((symbol) => [symbol, watching.chart.mirror.bars(symbol, '1s') ?? []]),
    );
    const reloads = behind.follower.status.reloads;
    ingest.stop();
    // Another seed: other prices, so the reload changes what clients hold.
    ingest = await startIngestHere(config.SIM_SEED + 1);
    await waitFor(() => behind.follower.status.reloads > reloads, 10_000, 'the gateway to reload');
    await waitFor(
      async () => (await fetch(`${urlOf(behind)}/readyz`)).status === 200,
      10_000,
      'the gateway to be caught up with the new ingest',
    );
    await sleep(500);
    await expectIdenticalOnceFrozen(watching, { oldMarket });
    const first = symbols[0] ?? '';
    expect(watching.board.mirror.quote(first)).toEqual({ ...ingest.market.quote(first) });
    for (const client of [watching.board, watching.chart]) client.close();
  });
});

describe('the Socket.IO Redis adapter', { timeout: 30_000 }, () => {
  let onBehind: FeedClient;
  let onOther: FeedClient;

  beforeAll(async () => {
    onBehind = connectClient({ url: urlOf(behind) });
    onOther = connectClient({ url: urlOf(other) });
    await Promise.all([onBehind.connected(), onOther.connected()]);
  });

  const nextNotice = (client: FeedClient) =>
    new Promise<ServerNotice>((resolve) => client.socket.once('notice', resolve));

  it('carries a notice sent on one gateway to the clients of every gateway', async () => {
    const notices = [nextNotice(onBehind), nextNotice(onOther)];
    broadcastNotice(behind.feed.io, { type: 'message', text: 'maintenance at 18:00 UTC' });
    expect(await Promise.all(notices)).toEqual([
      { type: 'message', text: 'maintenance at 18:00 UTC' },
      { type: 'message', text: 'maintenance at 18:00 UTC' },
    ]);
  });

  it('has the clients of every gateway reconnect when one asks, and the gateways keep serving', async () => {
    const notices = [nextNotice(onBehind), nextNotice(onOther)];
    const reasons = [onBehind, onOther].map(
      (client) => new Promise<string>((resolve) => client.socket.once('disconnect', resolve)),
    );
    await reconnectEveryone(behind.feed.io, 300, clock);
    for (const notice of await Promise.all(notices)) {
      expect(notice).toMatchObject({ type: 'reconnect', reason: 'rebalancing' });
    }
    expect(await Promise.all(reasons)).toEqual(['transport close', 'transport close']);
    for (const gateway of [behind, other]) {
      const client = connectClient({ url: urlOf(gateway) });
      await client.connected();
      expect((await client.subscribe(symbols.slice(0, 2))).ok).toBe(true);
    }
  });

  it("while Redis is away, holds no backlog of notices: they reach this gateway's clients only, and never later", async () => {
    const here = connectClient({ url: urlOf(behind) });
    const there = connectClient({ url: urlOf(other) });
    await Promise.all([here.connected(), there.connected()]);
    const seenThere: ServerNotice[] = [];
    there.socket.on('notice', (notice) => seenThere.push(notice));
    await redis.stop();
    await sleep(300);
    const local = nextNotice(here);
    for (let i = 0; i < 1000; i++) broadcastNotice(behind.feed.io, { type: 'message', text: `away ${i}` });
    expect(await local).toEqual({ type: 'message', text: 'away 0' });

    await redis.restart();
    // Once the adapter is subscribed again, a notice crosses over; none of those sent meanwhile ever does.
    await waitFor(
      () => {
        broadcastNotice(behind.feed.io, { type: 'message', text: 'back' });
        return seenThere.some((notice) => notice.type === 'message' && notice.text === 'back');
      },
      15_000,
      'a notice to reach the other gateway again',
    );
    await sleep(500);
    const late = seenThere.filter((notice) => notice.type === 'message' && notice.text !== 'back');
    expect(late.length, 'notices delivered after Redis returned').toBe(0);
    expect(here.socket.connected && there.socket.connected).toBe(true);
  });
});
