/**
 * `npm run bench:trend`: one server under one scenario for a while, its CPU read from /proc every few seconds.
 * Shows how much the same work's cost moves on this machine over a minute or two, and, with `--alternate`, the
 * spike against the base rate in windows that alternate in one process (base, spike, spike, base, ...), which
 * cancels that drift.
 *
 *   npm run bench:trend -- [--server O] [--scenario T1] [--windows 14] [--window-ms 5000] [--alternate]
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { pinning, spawnChild, stopChild } from './children';
import type { LoadCommands, ServerCommands } from './commands';
import { Remote } from './rpc';
import { connectClients, startRequest, steadyState } from './run-one';
import { SCENARIOS } from './scenarios';
import type { ServerKind } from './servers/bench-server';

const CONTROL_MS = 60_000;

const { values } = parseArgs({
  options: {
    server: { type: 'string', default: 'O' },
    scenario: { type: 'string', default: 'T1' },
    windows: { type: 'string', default: '14' },
    'window-ms': { type: 'string', default: '5000' },
    alternate: { type: 'boolean', default: false },
  },
});
const kind = values.server.toUpperCase() as ServerKind;
const scenario = SCENARIOS.find((known) => known.name === values.scenario.toUpperCase());
if (!scenario || !['L', 'N', 'O'].includes(kind)) throw new Error('unknown server or scenario');
if (values.alternate && scenario.spikeTicksPerSec === undefined) throw new Error('--alternate needs T2');
const windows = Number(values.windows);
const windowMs = Number(values['window-ms']);

const cores = pinning();
const serverChild = spawnChild('server-child.ts', cores?.server, scenario.clients + 1024);
const loadChild = spawnChild('load-child.ts', cores?.load, scenario.clients + 1024);
const server = new Remote<ServerCommands>(serverChild, `${kind} server`);
const load = new Remote<LoadCommands>(loadChild, 'load');
try {
  const { port } = await server.call('start', startRequest(scenario, kind), CONTROL_MS);
  await server.call('feed', { mode: 'closed' }, CONTROL_MS);
  const connected = await connectClients(load, scenario, kind, port);
  process.stdout.write(`${kind} under ${scenario.name}: ${connected.connected} clients\n`);
  const steadyMode = values.alternate ? 'base' : scenario.spikeTicksPerSec === undefined ? 'base' : 'spike';
  await server.call('feed', { mode: steadyMode }, CONTROL_MS);
  await sleep(scenario.warmupMs);
  const byMode = new Map<string, number[]>();
  for (let i = 0; i < windows; i++) {
    // base, spike, spike, base: each pair of modes is centred on the same moment.
    const mode = values.alternate ? (i % 4 === 0 || i % 4 === 3 ? 'base' : 'spike') : steadyMode;
    if (values.alternate) {
      await server.call('feed', { mode }, CONTROL_MS);
      await sleep(500);
    }
    const { cpuPct: pct } = await steadyState(server, serverChild.pid, windowMs);
    if (Number.isNaN(pct)) throw new Error('no /proc here');
    byMode.set(mode, [...(byMode.get(mode) ?? []), pct]);
    process.stdout.write(
      `window ${String(i + 1).padStart(2)}  ${mode.padEnd(5)}  server CPU ${pct.toFixed(1)}%\n`,
    );
  }
  const mean = (list: readonly number[]) => list.reduce((sum, x) => sum + x, 0) / list.length;
  for (const [mode, list] of byMode) {
    process.stdout.write(
      `${mode}: mean ${mean(list).toFixed(1)}%, from ${Math.min(...list).toFixed(1)} to ${Math.max(...list).toFixed(1)}%\n`,
    );
  }
  const base = byMode.get('base');
  const spike = byMode.get('spike');
  if (values.alternate && base && spike) {
    process.stdout.write(`spike / base: ${(mean(spike) / mean(base)).toFixed(2)}x\n`);
  }
} finally {
  await stopChild(loadChild, () => load.call('close', null, 5000));
  await stopChild(serverChild, () => server.call('close', null, 5000));
}
