/**
 * `npm run bench -- --gateways N`: the scaled-out deployment under a scenario (T1 by default). One redis-server
 * (loopback, a free port, a temporary directory, nothing saved), one ingest on the bench's seeded feed, and first
 * one gateway with the scenario's clients, then N gateways with N times the clients (the scenario's on each), each
 * gateway with its own load child. Every process is killed when the comparison ends, however it ends.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Redis } from 'ioredis';
import { KEYS } from '../server/replication/redis';
import { TestRedis } from '../tests/support/redis-server';
import { atExit, pinning, spawnChild, stopChild, track } from './children';
import type { Connected, GatewayCommands, IngestCommands, LoadCommands, Memory } from './commands';
import {
  deriveGatewayRun,
  failedGatewayRun,
  parseRedisInfo,
  type GatewayRunResult,
  type StreamWindow,
} from './gateway-report';
import { sampleProcess } from './proc-stats';
import { Remote } from './rpc';
import { connectClients, log } from './run-one';
import { SEED, type Scenario } from './scenarios';

/** For a phase command to be answered: generous, as a loaded machine answers late. */
const CONTROL_MS = 60_000;
/** For every gateway to have applied the last change once the ticks stop. */
const CATCH_UP_MS = 30_000;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** The newest entry's ID of the change stream ('0-0' when it is empty). */
async function lastStreamId(redis: Redis): Promise<string> {
  const newest = (await redis.xrevrange(KEYS.changes, '+', '-', 'COUNT', 1)) as [string, string[]][];
  return newest[0]?.[0] ?? '0-0';
}

async function networkBytes(redis: Redis): Promise<{ in: number; out: number }> {
  const info = parseRedisInfo(await redis.info('stats'));
  return { in: info.total_net_input_bytes ?? NaN, out: info.total_net_output_bytes ?? NaN };
}

/** The entries after `afterId` up to `lastId` and their payload bytes, read a page at a time. */
async function streamBetween(redis: Redis, afterId: string, lastId: string) {
  let entries = 0;
  let bytes = 0;
  let from = `(${afterId}`;
  for (;;) {
    const page = (await redis.xrangeBuffer(KEYS.changes, from, lastId, 'COUNT', 1000)) as unknown as [
      Buffer,
      Buffer[],
    ][];
    for (const [, fields] of page) {
      entries++;
      bytes += fields[1]?.length ?? 0;
    }
    const last = page.at(-1);
    if (!last || page.length < 1000) return { entries, bytes };
    from = `(${last[0].toString()}`;
  }
}

/** How long each process has waited for a CPU so far, ms (NaN where /proc does not say). */
function waitingOf(pids: readonly (number | undefined)[]): number[] {
  return pids.map((pid) => sampleProcess(pid)?.waitMs ?? NaN);
}

/** Waits until every gateway's replica has applied the change at `position`. */
async function caughtUp(gateways: readonly Remote<GatewayCommands>[], position: number): Promise<void> {
  const started = performance.now();
  for (;;) {
    const positions = await Promise.all(gateways.map((g) => g.call('position', null, CONTROL_MS)));
    if (positions.every((p) => p >= position)) return;
    if (performance.now() - started > CATCH_UP_MS) {
      throw new Error(
        `gateways at ${positions.join(', ')} ${CATCH_UP_MS} ms after the ingest stopped at ${position}`,
      );
    }
    await sleep(50);
  }
}

/** One run: ingest, `count` gateways and a load child per gateway, each with the scenario's clients. */
async function runGateways(
  scenario: Scenario,
  count: number,
  redisServer: TestRedis,
  redis: Redis,
  quick: boolean,
): Promise<GatewayRunResult> {
  const cores = pinning();
  const files = scenario.clients + 1024;
  // The gateways share the server core; the ingest, Redis and the load children the other (see performance.md).
  const ingestChild = spawnChild('ingest-child.ts', cores?.load, 1024);
  const ingest = new Remote<IngestCommands>(ingestChild, 'ingest');
  const children: { child: ChildProcess; close: () => Promise<null> }[] = [];
  const gatewayPids: (number | undefined)[] = [];
  const loadPids: (number | undefined)[] = [];
  const gateways = range(count).map((i) => {
    const child = spawnChild('gateway-child.ts', cores?.server, files);
    const remote = new Remote<GatewayCommands>(child, `gateway ${i + 1}`);
    gatewayPids.push(child.pid);
    children.push({ child, close: () => remote.call('close', null, 5000) });
    return remote;
  });
  const loads = range(count).map((i) => {
    const child = spawnChild('load-child.ts', cores?.load, files);
    const remote = new Remote<LoadCommands>(child, `load ${i + 1}`);
    loadPids.push(child.pid);
    children.push({ child, close: () => remote.call('close', null, 5000) });
    return remote;
  });
  const all = <T>(remotes: readonly T[], call: (remote: T) => Promise<unknown>) =>
    Promise.all(remotes.map(call));
  try {
    await ingest.call(
      'start',
      { redisUrl: redisServer.url, seed: SEED, symbols: scenario.symbols, ticksPerSec: scenario.ticksPerSec },
      CONTROL_MS,
    );
    const ports = await Promise.all(
      gateways.map((g) =>
        g.call('start', { redisUrl: redisServer.url, flushMs: scenario.flushMs }, CONTROL_MS),
      ),
    );
    // Past start-up's compilation, what following the stream costs a gateway with no client; then clients
    // connect with the feed shut, as in the single-server runs.
    await sleep(quick ? 500 : 1000);
    const idle = await Promise.all(
      gateways.map((g) => g.call('idle', { ms: quick ? 500 : 2000 }, CONTROL_MS)),
    );
    await ingest.call('feed', { mode: 'closed' }, CONTROL_MS);
    const before: Memory[] = await Promise.all(gateways.map((g) => g.call('memory', null, CONTROL_MS)));
    const connected: Connected[] = await Promise.all(
      loads.map((load, i) => connectClients(load, scenario, 'O', ports[i]?.port ?? 0)),
    );
    log(
      `  ${connected.map((c) => c.connected).join(' + ')} clients in ` +
        `${Math.round(Math.max(...connected.map((c) => c.ms)))} ms, ` +
        `${connected.reduce((n, c) => n + c.failures, 0)} failed`,
    );
    const connectedMemory: Memory[] = await Promise.all(
      gateways.map((g) => g.call('memory', null, CONTROL_MS)),
    );
    await ingest.call('feed', { mode: 'base' }, CONTROL_MS);
    await sleep(scenario.warmupMs);

    const startId = await lastStreamId(redis);
    const netStart = await networkBytes(redis);
    await Promise.all([
      ingest.call('measureStart', { windowMs: scenario.windowMs }, CONTROL_MS),
      all(gateways, (g) => g.call('measureStart', null, CONTROL_MS)),
      all(loads, (load) => load.call('measureStart', { slowSpeed: 1 }, CONTROL_MS)),
    ]);
    const startedAt = performance.now();
    const redisStart = sampleProcess(redisServer.pid);
    const waitStart = waitingOf([...gatewayPids, ...loadPids]);
    await sleep(scenario.windowMs);
    const redisEnd = sampleProcess(redisServer.pid);
    const waitEnd = waitingOf([...gatewayPids, ...loadPids]);
    const waitMs = waitEnd.map((end, i) => end - (waitStart[i] ?? NaN));
    const elapsedMs = performance.now() - startedAt;
    const endId = await lastStreamId(redis);
    const netEnd = await networkBytes(redis);
    const checkpointBytes = await redis.strlen(KEYS.checkpoint);
    const loadAverage = os.loadavg()[0] ?? NaN;
    const [ingestWindow, gatewayWindows, loadWindows] = await Promise.all([
      ingest.call('measureEnd', null, CONTROL_MS),
      Promise.all(gateways.map((g) => g.call('measureEnd', null, CONTROL_MS))),
      Promise.all(loads.map((load) => load.call('measureEnd', null, CONTROL_MS))),
    ]);
    const between = await streamBetween(redis, startId, endId);
    const stream: StreamWindow = {
      ...between,
      redisInBytes: netEnd.in - netStart.in,
      redisOutBytes: netEnd.out - netStart.out,
      checkpointBytes,
    };

    // The end-of-run check: every change reaches every replica, every client drains, and every client and every
    // replica holds the ingest's quotes.
    const { position } = await ingest.call('stopTicks', null, CONTROL_MS);
    await caughtUp(gateways, position);
    await sleep(3 * scenario.flushMs);
    const quietMs = Math.max(500, 3 * scenario.flushMs);
    const drainTimeoutMs = quick ? 10_000 : 30_000;
    const drained = await Promise.all(
      loads.map((load) =>
        load.call('drain', { quietMs, timeoutMs: drainTimeoutMs }, drainTimeoutMs + CONTROL_MS),
      ),
    );
    const expected = await ingest.call('finalState', null, CONTROL_MS);
    const replicas = await Promise.all(gateways.map((g) => g.call('finalState', null, CONTROL_MS)));
    const verdicts = await Promise.all(loads.map((load) => load.call('verify', { expected }, CONTROL_MS)));
    return deriveGatewayRun({
      gateways: count,
      connected,
      loads: loadWindows,
      gatewayWindows,
      gatewayIdleCpuPct: idle.map((i) => i.cpuPct),
      ingest: ingestWindow,
      outside: {
        elapsedMs,
        redisCpuUs: redisStart && redisEnd && redisEnd.cpuUs - redisStart.cpuUs,
        gatewayWaitMs: waitMs.slice(0, count),
        loadWaitMs: waitMs.slice(count),
      },
      stream,
      before,
      connectedMemory,
      drained,
      verdicts,
      replicasAgree: replicas.every((replica) => isDeepStrictEqual(replica, expected)),
      loadAverage,
    });
  } catch (error) {
    return failedGatewayRun(
      count,
      error instanceof Error ? error.message : String(error),
      os.loadavg()[0] ?? NaN,
    );
  } finally {
    // The gateways and load children together, then the ingest.
    await Promise.all(children.map(({ child, close }) => stopChild(child, close)));
    await stopChild(ingestChild, () => ingest.call('close', null, 5000));
  }
}

/**
 * One gateway with the scenario's clients, then `gateways` gateways with as many times the clients, on one
 * redis-server that lives as long as the comparison. Resolves with both runs' results, in that order.
 */
export async function compareGateways(
  scenario: Scenario,
  gateways: number,
  quick: boolean,
): Promise<[one: GatewayRunResult, many: GatewayRunResult]> {
  const cores = pinning();
  const dir = mkdtempSync(join(os.tmpdir(), 'tickerboard-bench-redis-'));
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  const forget = atExit(removeDir);
  let redisServer: TestRedis | undefined;
  let redis: Redis | undefined;
  try {
    redisServer = await TestRedis.start({
      prefix: cores ? ['taskset', '-c', cores.load] : [],
      dir,
      onSpawn: (child) => void track(child),
    });
    redis = new Redis(redisServer.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    const results: GatewayRunResult[] = [];
    for (const count of [1, gateways]) {
      log(
        `${scenario.name} with ${count} gateway(s): ${count} x ${scenario.clients} clients, ${scenario.windowMs / 1000} s window`,
      );
      const result = await runGateways(scenario, count, redisServer, redis, quick);
      log(
        `  ${result.updatesPerSec.toFixed(0)} updates/s, gateway CPU ${result.gatewayCpuUsPerUpdate.toFixed(2)} us/update, ` +
          `p99 ${result.p99Ms.toFixed(0)} ms, correct ${result.correct}${result.error ? `, ${result.error}` : ''}`,
      );
      results.push(result);
    }
    return results as [GatewayRunResult, GatewayRunResult];
  } finally {
    redis?.disconnect();
    await redisServer?.stop();
    forget();
    removeDir();
  }
}
