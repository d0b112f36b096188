/**
 * One server under one scenario, phase by phase: start the server child and the load child, measure the feed
 * alone, connect the clients (feed shut), warm up, measure the window, stop the feed, drain, check every
 * client's state against the server's, and tear both children down whatever happens.
 */
import type { Profiler } from 'node:inspector';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { ROOT, pinning, spawnChild, stopChild } from './children';
import type { Connected, LoadCommands, ServerCommands } from './commands';
import { sampleProcess } from './proc-stats';
import { topSelfTime } from './profile';
import { derive, failed, type Outside, type RunResult } from './report';
import { Remote } from './rpc';
import { SEED, type Scenario } from './scenarios';
import type { ServerKind } from './servers/bench-server';

/** How long a spike scenario's server is measured at the base rate before the spike, and again after it. */
const BEFORE_SPIKE_MS = 15_000;
/** Connections opened at a time. */
const CONNECT_BATCH = 200;
const CONNECT_TIMEOUT_MS = 20_000;
/** For a phase command to be answered: generous, as an overloaded server answers late. */
const CONTROL_MS = 60_000;
/** For the server's account of the window: its feed has been shut since the window ended. */
const WINDOW_REPORT_MS = 20_000;
export const PROFILE_DIR = 'bench-results/profiles';

export interface RunOptions {
  quick: boolean;
  profile: boolean;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
export const log = (line: string) => process.stderr.write(`${line}\n`);

const profilePath = (scenario: Scenario, kind: ServerKind, child: 'server' | 'load') =>
  resolve(ROOT, PROFILE_DIR, `${scenario.name}-${kind}-${child}.cpuprofile`);

/** The top self-time functions of a run's profiles, as lines to print. */
export function profileSummary(scenario: Scenario, kind: ServerKind): string[] {
  return (['server', 'load'] as const).flatMap((child) => {
    const path = profilePath(scenario, kind, child);
    if (!existsSync(path)) return [];
    const profile = JSON.parse(readFileSync(path, 'utf8')) as Profiler.Profile;
    return [
      `  ${kind} ${child} child, top self time over the window, share of busy time (${relative(ROOT, path)}):`,
      ...topSelfTime(profile, ROOT, 15).map(
        ({ name, percent }) => `    ${percent.toFixed(1).padStart(5)}%  ${name}`,
      ),
    ];
  });
}

/**
 * The server's CPU over `ms`, read from /proc so that a saturated server (whose event loop answers many seconds
 * late) is measured on time, and the simulator's share of it from the server's own account, NaN when it does not
 * answer promptly.
 */
export async function steadyState(
  server: Remote<ServerCommands>,
  pid: number | undefined,
  ms: number,
): Promise<{ cpuPct: number; simCpuPct: number }> {
  const simulator = () => server.call('simulator', null, 2000).catch(() => undefined);
  const start = sampleProcess(pid);
  const started = performance.now();
  const simStart = await simulator();
  await sleep(ms - (performance.now() - started));
  const end = sampleProcess(pid);
  const elapsedMs = performance.now() - started;
  const simEnd = await simulator();
  return {
    cpuPct: start && end ? ((end.cpuUs - start.cpuUs) / 1000 / elapsedMs) * 100 : NaN,
    simCpuPct: simStart && simEnd ? ((simEnd.ms - simStart.ms) / (simEnd.at - simStart.at)) * 100 : NaN,
  };
}

/** The server child's start request for `scenario`: the seeded feed every server runs. */
export function startRequest(
  scenario: Scenario,
  kind: ServerKind,
  profile: string | undefined = undefined,
): ServerCommands['start']['request'] {
  return {
    kind,
    seed: SEED,
    symbols: scenario.symbols,
    ticksPerSec: scenario.ticksPerSec,
    spikeTicksPerSec: scenario.spikeTicksPerSec,
    flushMs: scenario.flushMs,
    watchQueues: scenario.slowShare > 0,
    profilePath: profile,
  };
}

/** Opens and subscribes the scenario's clients, a batch at a time, with a deadline that grows with their number. */
export function connectClients(
  load: Remote<LoadCommands>,
  scenario: Scenario,
  kind: ServerKind,
  port: number,
): Promise<Connected> {
  const deadlineMs = 30_000 + scenario.clients * 10;
  return load.call(
    'connect',
    {
      kind,
      port,
      seed: SEED,
      symbols: scenario.symbols,
      clients: scenario.clients,
      symbolsPerClient: scenario.symbolsPerClient,
      slowShare: scenario.slowShare,
      batch: CONNECT_BATCH,
      timeoutMs: CONNECT_TIMEOUT_MS,
      deadlineMs,
    },
    deadlineMs + CONNECT_TIMEOUT_MS + CONTROL_MS,
  );
}

export async function runOne(scenario: Scenario, kind: ServerKind, options: RunOptions): Promise<RunResult> {
  const cores = pinning();
  const files = scenario.clients + 1024;
  if (options.profile) {
    for (const child of ['server', 'load'] as const)
      rmSync(profilePath(scenario, kind, child), { force: true });
  }
  // Both children start at once: their start-ups overlap, each on its own core.
  const serverChild = spawnChild('server-child.ts', cores?.server, files);
  const loadChild = spawnChild('load-child.ts', cores?.load, files);
  const server = new Remote<ServerCommands>(serverChild, `${kind} server`);
  const load = new Remote<LoadCommands>(loadChild, 'load');
  try {
    const { port } = await server.call(
      'start',
      startRequest(scenario, kind, options.profile ? profilePath(scenario, kind, 'server') : undefined),
      CONTROL_MS,
    );
    // Past start-up's compilation before measuring the feed alone.
    await sleep(options.quick ? 500 : 1000);
    const idle = await server.call('idle', { ms: options.quick ? 500 : 2000 }, CONTROL_MS);
    // Clients connect with the feed shut: the connection cost is measured on idle connections, and a server
    // busy with ticks does not slow the connecting.
    await server.call('feed', { mode: 'closed' }, CONTROL_MS);
    const before = await server.call('memory', null, CONTROL_MS);

    const connected = await connectClients(load, scenario, kind, port);
    log(`  ${connected.connected} clients in ${Math.round(connected.ms)} ms, ${connected.failures} failed`);
    const connectedMemory = await server.call('memory', null, CONTROL_MS);
    await server.call('feed', { mode: 'base' }, CONTROL_MS);

    await sleep(scenario.warmupMs);
    let beforeSpike: { cpuPct: number; simCpuPct: number } | undefined;
    if (scenario.spikeTicksPerSec !== undefined) {
      // The steady state the spike is measured against: the same process, clients and base rate, just before.
      beforeSpike = await steadyState(server, serverChild.pid, options.quick ? 1000 : BEFORE_SPIKE_MS);
    }
    const [serverMeasuring] = await Promise.all([
      server
        .call(
          'measureStart',
          // The spike starts with the window, and the base rate comes back after it, for the steady state after.
          beforeSpike
            ? { windowMs: scenario.windowMs, mode: 'spike', then: 'base' }
            : { windowMs: scenario.windowMs },
          CONTROL_MS,
        )
        .then(
          () => true,
          // A saturated server (N) may answer a minute late: the window is then measured from the outside only.
          (error: unknown) => {
            log(`  ${error instanceof Error ? error.message : String(error)}`);
            return false;
          },
        ),
      load.call(
        'measureStart',
        {
          slowSpeed: scenario.slowShare > 0 ? scenario.slowSpeed : 1,
          profilePath: options.profile ? profilePath(scenario, kind, 'load') : undefined,
        },
        CONTROL_MS,
      ),
    ]);
    const startedAt = performance.now();
    const serverStart = sampleProcess(serverChild.pid);
    const loadStart = sampleProcess(loadChild.pid);
    await sleep(scenario.windowMs);
    const serverEnd = sampleProcess(serverChild.pid);
    const loadEnd = sampleProcess(loadChild.pid);
    const outside: Outside = {
      elapsedMs: performance.now() - startedAt,
      serverCpuUs: serverEnd && serverStart && serverEnd.cpuUs - serverStart.cpuUs,
      serverWaitMs: serverEnd && serverStart && serverEnd.waitMs - serverStart.waitMs,
      loadWaitMs: loadEnd && loadStart && loadEnd.waitMs - loadStart.waitMs,
    };
    const [loadWindow, serverWindow] = await Promise.all([
      load.call('measureEnd', null, CONTROL_MS),
      // A server still blocked a minute after its feed shut is reported from the outside only.
      serverMeasuring
        ? server.call('measureEnd', null, WINDOW_REPORT_MS).catch((error: unknown) => {
            log(`  ${error instanceof Error ? error.message : String(error)}`);
            return undefined;
          })
        : undefined,
    ]);
    // After a spike the feed is back at the base rate: once the server has closed its window and sent what the
    // spike left queued, that is measured as the spike's steady state after it. A server that started its window
    // late (a saturated N) spiked at a time nobody knows, so nothing is measured after it.
    let afterSpike: { cpuPct: number; simCpuPct: number } | undefined;
    if (beforeSpike && serverWindow) {
      await sleep(3 * scenario.flushMs);
      afterSpike = await steadyState(server, serverChild.pid, options.quick ? 1000 : BEFORE_SPIKE_MS);
    }
    const measured = {
      connected,
      idleCpuPct: idle.cpuPct,
      beforeSpike,
      afterSpike,
      before,
      connectedMemory,
      outside,
      load: loadWindow,
    };
    if (!serverWindow) {
      const result = derive(scenario, {
        ...measured,
        server: undefined,
        drained: undefined,
        verdict: undefined,
      });
      if (!serverMeasuring) {
        result.error = `the server answered the start of the window late: ${
          beforeSpike ? 'when its spike began is unknown, so ' : ''
        }its figures are the load side's and /proc's over a window it may not have shared, and unchecked`;
      }
      return result;
    }

    await server.call('stopTicks', null, CONTROL_MS);
    await sleep(3 * scenario.flushMs);
    const quietMs = Math.max(500, 3 * scenario.flushMs);
    const drainTimeoutMs = options.quick ? 10_000 : 30_000;
    const drained = await load.call(
      'drain',
      { quietMs, timeoutMs: drainTimeoutMs },
      drainTimeoutMs + CONTROL_MS,
    );
    const expected = await server.call('finalState', null, CONTROL_MS);
    const verdict = await load.call('verify', { expected }, CONTROL_MS);
    return derive(scenario, { ...measured, server: serverWindow, drained, verdict });
  } catch (error) {
    return failed(error instanceof Error ? error.message : String(error));
  } finally {
    await stopChild(loadChild, () => load.call('close', null, 5000));
    await stopChild(serverChild, () => server.call('close', null, 5000));
  }
}
