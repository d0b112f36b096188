import { formatNumber, type RunResult, type ScenarioResults } from './report';

export interface TargetCheck {
  target: string;
  measured: string;
  /** Undefined when the run that decides it is missing or failed. */
  met: boolean | undefined;
}

type Results = Record<string, ScenarioResults>;

interface Target {
  target: string;
  /** The measured value (as a ratio or a figure) and whether it meets the target. */
  check(results: Results): { value: number | boolean; met: boolean } | undefined;
  unit: string;
}

type Kind = 'L' | 'N' | 'O';
type Outcome = { value: number | boolean; met: boolean } | undefined;

const figure = (results: Results, scenario: string, kind: Kind, key: keyof RunResult) => {
  const value = results[scenario]?.[kind]?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
};

/** `a / b` of two figures, checked against `met`. */
function ratio(
  a: [scenario: string, kind: Kind, key: keyof RunResult],
  b: [scenario: string, kind: Kind, key: keyof RunResult],
  met: (ratio: number) => boolean,
) {
  return (results: Results): Outcome => {
    const x = figure(results, ...a);
    const y = figure(results, ...b);
    if (x === undefined || y === undefined || y === 0) return undefined;
    return { value: x / y, met: met(x / y) };
  };
}

function atMost(scenario: string, key: keyof RunResult, max: number) {
  return (results: Results): Outcome => {
    const value = figure(results, scenario, 'O', key);
    return value === undefined ? undefined : { value, met: value <= max };
  };
}

/**
 * O's CPU during T2's spike over its CPU at T1's rate: the steady state measured just before and just after the spike
 * in the same process (their mean; `against: 'around'`), or the T1 scenario's own run, another process minutes away
 * (`against: 'T1'`), with or without the simulator's time.
 */
function spikeCpu(against: 'around' | 'T1', withSimulator: boolean) {
  return (results: Results): Outcome => {
    const own = (scenario: string, cpu: keyof RunResult, sim: keyof RunResult) => {
      const total = figure(results, scenario, 'O', cpu);
      const simulator = withSimulator ? 0 : figure(results, scenario, 'O', sim);
      return total === undefined || simulator === undefined ? undefined : total - simulator;
    };
    const spike = own('T2', 'cpuPct', 'simCpuPct');
    let steady: number | undefined;
    if (against === 'T1') steady = own('T1', 'cpuPct', 'simCpuPct');
    else {
      const before = own('T2', 'beforeSpikeCpuPct', 'beforeSpikeSimCpuPct');
      const after = own('T2', 'afterSpikeCpuPct', 'afterSpikeSimCpuPct');
      steady = before === undefined || after === undefined ? undefined : (before + after) / 2;
    }
    if (spike === undefined || steady === undefined || !(steady > 0)) return undefined;
    return { value: spike / steady, met: spike / steady <= 1.3 };
  };
}

const TARGETS: readonly Target[] = [
  {
    target: 'T1 CPU us/update N/O >= 8',
    check: ratio(['T1', 'N', 'cpuUsPerUpdate'], ['T1', 'O', 'cpuUsPerUpdate'], (r) => r >= 8),
    unit: 'x',
  },
  {
    target: '  (same, simulator time left out)',
    check: ratio(['T1', 'N', 'cpuUsPerUpdateExSim'], ['T1', 'O', 'cpuUsPerUpdateExSim'], (r) => r >= 8),
    unit: 'x',
  },
  {
    target: 'T1 bytes/update N/O >= 6',
    check: ratio(['T1', 'N', 'bytesPerUpdate'], ['T1', 'O', 'bytesPerUpdate'], (r) => r >= 6),
    unit: 'x',
  },
  {
    target: 'T1 frames/CPU-s O/L >= 0.5',
    check: ratio(['T1', 'O', 'framesPerCpuSec'], ['T1', 'L', 'framesPerCpuSec'], (r) => r >= 0.5),
    unit: 'x',
  },
  { target: 'T1 O latency p99 <= 150 ms', check: atMost('T1', 'p99Ms', 150), unit: ' ms' },
  { target: 'T1 O loop delay p99 <= 20 ms', check: atMost('T1', 'loopDelayP99Ms', 20), unit: ' ms' },
  { target: 'T2 O CPU <= 1.3x at T1 rate around it', check: spikeCpu('around', true), unit: 'x' },
  { target: '  (same, simulator time left out)', check: spikeCpu('around', false), unit: 'x' },
  { target: '  (against the T1 run, another process)', check: spikeCpu('T1', true), unit: 'x' },
  { target: '  (same, simulator time left out)', check: spikeCpu('T1', false), unit: 'x' },
  { target: 'T3 O RSS per connection <= 16 KB', check: atMost('T3', 'rssKbPerConn', 16), unit: ' KB' },
  {
    target: 'T4 O fast p99 within 10% of T1 O p99',
    check: ratio(['T4', 'O', 'fastP99Ms'], ['T1', 'O', 'p99Ms'], (r) => r <= 1.1),
    unit: 'x',
  },
  { target: 'T4 O RSS growth <= 50 MB', check: atMost('T4', 'rssGrowthMb', 50), unit: ' MB' },
  {
    target: 'T4 O slow clients correct',
    check(results) {
      const value = results.T4?.O?.slowCorrect;
      return value === undefined ? undefined : { value, met: value };
    },
    unit: '',
  },
  {
    target: 'stretch S O updates/s >= 1,000,000',
    check(results) {
      const value = figure(results, 'S', 'O', 'updatesPerSec');
      return value === undefined ? undefined : { value, met: value >= 1_000_000 };
    },
    unit: '',
  },
  { target: 'stretch S O latency p99 <= 150 ms', check: atMost('S', 'p99Ms', 150), unit: ' ms' },
];

export function checkTargets(results: Results): TargetCheck[] {
  return TARGETS.map(({ target, check, unit }) => {
    const outcome = check(results);
    if (!outcome) return { target, measured: 'not run', met: undefined };
    const measured =
      typeof outcome.value === 'boolean'
        ? outcome.value
          ? 'yes'
          : 'no'
        : `${formatNumber(outcome.value)}${unit}`;
    return { target, measured, met: outcome.met };
  });
}

export function targetsTable(checks: readonly TargetCheck[]): string {
  const width = Math.max(...checks.map((check) => check.target.length));
  const lines = checks.map(
    ({ target, measured, met }) =>
      `${target.padEnd(width)}  ${measured.padStart(10)}  ${met === undefined ? '-' : met ? 'met' : 'MISSED'}`,
  );
  return ['Targets (O)', ...lines, ''].join('\n');
}
