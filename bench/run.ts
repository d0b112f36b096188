/**
 * `npm run bench`: the load harness. For each scenario it runs the L, N and O servers in turn on the same seeded
 * feed, each in a server child pinned to one core with every client in a load child on the other, and prints one
 * table per scenario and the targets. See docs/performance.md.
 *
 *   npm run bench -- [--quick] [--scenario T1] [--servers L,O] [--json FILE] [--profile]
 *   npm run bench -- [--quick] --gateways N [--json FILE]     (bench/gateways.ts)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { killAll, pinning, ROOT } from './children';
import { compareGateways } from './gateways';
import { comparisonMarkdown, comparisonTable, type GatewayRunResult } from './gateway-report';
import { table, type RunResult, type ScenarioResults } from './report';
import { log, PROFILE_DIR, profileSummary, runOne } from './run-one';
import { ALL_SCENARIOS, quick, SCENARIOS, type Scenario } from './scenarios';
import type { ServerKind } from './servers/bench-server';
import { checkTargets, targetsTable } from './targets';

const KINDS: readonly ServerKind[] = ['L', 'N', 'O'];

interface Options {
  scenarios: Scenario[];
  kinds: ServerKind[];
  quick: boolean;
  json: string | undefined;
  profile: boolean;
  /** With `--gateways N`: the scaled-out comparison instead of the L, N and O servers. */
  gateways: number | undefined;
}

const MAX_GATEWAYS = 16;

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      scenario: { type: 'string', multiple: true },
      servers: { type: 'string' },
      json: { type: 'string' },
      profile: { type: 'boolean', default: false },
      gateways: { type: 'string' },
    },
  });
  const names = (values.scenario ?? [])
    .flatMap((name) => name.split(','))
    .map((name) => name.trim().toUpperCase());
  const unknown = names.filter((name) => !ALL_SCENARIOS.some((s) => s.name === name));
  if (unknown.length > 0) {
    throw new Error(
      `unknown scenario ${unknown.join(', ')}; choose from ${ALL_SCENARIOS.map((s) => s.name).join(', ')}`,
    );
  }
  const kinds = (values.servers ?? 'L,N,O').split(',').map((kind) => kind.trim().toUpperCase());
  const badKinds = kinds.filter((kind) => !KINDS.includes(kind as ServerKind));
  if (badKinds.length > 0) throw new Error(`unknown server ${badKinds.join(', ')}; choose from L, N, O`);
  const gateways = values.gateways === undefined ? undefined : Number(values.gateways);
  if (gateways !== undefined && !(Number.isInteger(gateways) && gateways >= 2 && gateways <= MAX_GATEWAYS)) {
    throw new Error(`--gateways takes a whole number from 2 to ${MAX_GATEWAYS}, not ${values.gateways}`);
  }
  const defaults = gateways === undefined ? SCENARIOS : SCENARIOS.filter((s) => s.name === 'T1');
  const chosen = names.length === 0 ? [...defaults] : ALL_SCENARIOS.filter((s) => names.includes(s.name));
  const unsteady = chosen.filter((s) => s.spikeTicksPerSec !== undefined || s.slowShare > 0);
  if (gateways !== undefined && unsteady.length > 0) {
    throw new Error(
      `--gateways runs steady scenarios only (no spike, no slow clients), not ${unsteady.map((s) => s.name).join(', ')}`,
    );
  }
  return {
    scenarios: values.quick ? chosen.map(quick) : chosen,
    kinds: kinds as ServerKind[],
    quick: values.quick,
    json: values.json,
    profile: values.profile,
    gateways,
  };
}

function summary(kind: ServerKind, r: RunResult): string {
  if (r.error && !Number.isFinite(r.updatesPerSec)) return `  ${kind}: failed: ${r.error}`;
  const f = (n: number) => (Number.isFinite(n) ? n.toFixed(n >= 100 ? 0 : 1) : '-');
  return (
    `  ${kind}: ${f(r.updatesPerSec)} updates/s, ${f(r.framesPerSec)} frames/s, CPU ${f(r.cpuPct)}%, ` +
    `p99 ${f(r.p99Ms)} ms, ${f(r.bytesPerUpdate)} B/update, load CPU ${f(r.loadCpuPct)}%, correct ${r.correct}`
  );
}

/** The commit the servers ran from, and whether server/ or lib/ had uncommitted changes. */
function revision(): { commit: string; dirty: boolean } | undefined {
  const git = (args: string[]) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  const head = git(['rev-parse', '--short', 'HEAD']);
  if (head.status !== 0) return undefined;
  const status = git(['status', '--porcelain', '--', 'server', 'lib']);
  return { commit: head.stdout.trim(), dirty: status.stdout.trim() !== '' };
}

function machine() {
  return {
    nproc: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    kernel: os.release(),
    pinned: pinning() !== undefined,
    revision: revision(),
  };
}

function writeJson(file: string, body: object): void {
  const path = resolve(process.cwd(), file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(body, null, 2)}\n`);
  log(`wrote ${file}`);
}

/** `--gateways N`: each scenario with one gateway and with N, side by side; 1 when a run is wrong or failed. */
async function mainGateways(
  options: Options,
  gateways: number,
  host: ReturnType<typeof machine>,
): Promise<number> {
  const results: Record<string, { one: GatewayRunResult; many: GatewayRunResult }> = {};
  for (const scenario of options.scenarios) {
    const [one, many] = await compareGateways(scenario, gateways, options.quick);
    results[scenario.name] = { one, many };
    process.stdout.write(
      `\n${comparisonTable(`${scenario.name} ${scenario.title} (${scenario.clients} clients per gateway)`, one, many)}`,
    );
    const commit = host.revision
      ? `${host.revision.commit}${host.revision.dirty ? ' + changes' : ''}`
      : 'unknown';
    process.stdout.write(
      `\nAs markdown (commit ${commit}, ${host.nproc} cores, load average ${one.loadAverage.toFixed(1)} and ` +
        `${many.loadAverage.toFixed(1)}${options.quick ? ', quick run' : ''}):\n\n${comparisonMarkdown(one, many)}`,
    );
  }
  if (options.quick) process.stdout.write('(quick run: small and short, the figures are indicative only)\n');
  if (host.nproc < gateways + 2) {
    process.stdout.write(
      `(${gateways} gateways, the ingest, redis-server and ${gateways} load children shared ${host.nproc} cores: ` +
        'the ratios show whether the cost per update holds; what N gateways serve needs a core each)\n',
    );
  }
  if (options.json) {
    const setup = Object.fromEntries(options.scenarios.map((s) => [s.name, { ...s }]));
    writeJson(options.json, { machine: host, quick: options.quick, gateways, scenarios: results, setup });
  }
  const broken = Object.values(results).flatMap(({ one, many }) =>
    [one, many].filter((run) => !run.correct || run.error),
  );
  for (const run of broken)
    log(`failing: the run with ${run.gateways} gateway(s) is not correct or in error`);
  return broken.length > 0 ? 1 : 0;
}

async function main(): Promise<number> {
  const options = parseOptions();
  const host = machine();
  const placement =
    options.gateways === undefined
      ? 'server on core 0, load on core 1'
      : 'gateways on core 0; ingest, redis-server and load on core 1';
  log(
    `tickerboard bench${options.quick ? ' (quick)' : ''}: ${host.nproc} cores (${host.cpu}), Node ${host.node}, ` +
      `${host.pinned ? placement : 'not pinned (no taskset or one core)'}, ` +
      `commit ${host.revision ? `${host.revision.commit}${host.revision.dirty ? ' + uncommitted changes' : ''}` : 'unknown'}`,
  );
  if (options.gateways !== undefined) return mainGateways(options, options.gateways, host);
  if (options.profile) mkdirSync(resolve(ROOT, PROFILE_DIR), { recursive: true });

  const results: Record<string, ScenarioResults> = {};
  for (const scenario of options.scenarios) {
    const byKind: ScenarioResults = {};
    results[scenario.name] = byKind;
    for (const kind of options.kinds) {
      log(`${scenario.name} ${kind}: ${scenario.clients} clients, ${scenario.windowMs / 1000} s window`);
      const result = await runOne(scenario, kind, options);
      byKind[kind] = result;
      log(summary(kind, result));
      if (options.profile) log(profileSummary(scenario, kind).join('\n'));
    }
    process.stdout.write(`\n${table(scenario, byKind)}`);
  }

  const targets = checkTargets(results);
  process.stdout.write(`\n${targetsTable(targets)}`);
  if (options.quick) process.stdout.write('(quick run: small and short, the targets are indicative only)\n');

  if (options.json) {
    const scenarios = Object.fromEntries(options.scenarios.map((s) => [s.name, { ...s }]));
    writeJson(options.json, {
      machine: host,
      quick: options.quick,
      scenarios: results,
      setup: scenarios,
      targets,
    });
  }

  const broken = Object.values(results).flatMap((byKind) =>
    (['L', 'O'] as const).flatMap((kind) => {
      const result = byKind[kind];
      return result && (!result.correct || result.error) ? [kind] : [];
    }),
  );
  const crashed = Object.values(results).some((byKind) =>
    Object.values(byKind).some((r) => r !== undefined && !Number.isFinite(r.updatesPerSec)),
  );
  if (broken.length > 0) log(`failing: ${broken.join(', ')} not correct or in error (see the tables)`);
  if (crashed) log('failing: a run did not finish (see the errors under the tables)');
  return broken.length > 0 || crashed ? 1 : 0;
}

process.on('SIGINT', () => {
  killAll();
  process.exit(130);
});
process.on('SIGTERM', () => {
  killAll();
  process.exit(143);
});

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    killAll();
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
