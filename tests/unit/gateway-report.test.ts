import { describe, expect, it } from 'vitest';
import type { LoadWindow, ProcessWindow, Verdict } from '../../bench/commands';
import {
  comparisonMarkdown,
  comparisonRows,
  deriveGatewayRun,
  failedGatewayRun,
  parseRedisInfo,
  ratioCell,
  type GatewayRunMeasured,
} from '../../bench/gateway-report';
import { Histogram } from '../../bench/histogram';

/**
 * `npm run bench -- --gateways N` adds up what each gateway, its load child, the ingest and Redis measured into
 * one run's figures, and sets the one-gateway and N-gateway runs side by side.
 */
const latency = (...ms: number[]) => {
  const histogram = new Histogram();
  for (const value of ms) histogram.record(value * 1000);
  return histogram.toData();
};

function loadWindow(updates: number, bytes: number, latencyMs: number[], cpuUs = 500_000): LoadWindow {
  const none = { clients: 0, frames: 0, updates: 0, bytes: 0, latency: [] };
  return {
    elapsedMs: 10_000,
    cpuUs,
    fast: { clients: 100, frames: updates / 10, updates, bytes, latency: latency(...latencyMs) },
    slow: none,
    slowBytesPerSec: 0,
    disconnects: 0,
    gaps: 0,
  };
}

function processWindow(cpuUs: number, loopDelayP99Ms = 5): ProcessWindow {
  return {
    cpuUs,
    elapsedMs: 10_000,
    loopDelayP99Ms,
    loopDelayMaxMs: 20,
    rssEndBytes: 0,
    rssPeakBytes: 0,
    gcMs: 0,
    gcMaxMs: 0,
  };
}

const right: Verdict = { fastCorrect: true, slowCorrect: true, mismatches: 0, checked: 10, disconnected: 0 };
const MB = 1024 * 1024;

/** Two gateways, each with 100 clients receiving 100,000 updates in the 10 s window. */
function twoGateways(overrides: Partial<GatewayRunMeasured> = {}): GatewayRunMeasured {
  return {
    gateways: 2,
    connected: [
      { connected: 100, failures: 0, ms: 100 },
      { connected: 100, failures: 0, ms: 120 },
    ],
    loads: [
      loadWindow(100_000, 2_000_000, [10, 20, 30], 400_000),
      loadWindow(100_000, 2_000_000, [40, 50, 60]),
    ],
    // 2 s and 3 s of CPU over 10 s: 20% and 30% of a core.
    gatewayWindows: [processWindow(2_000_000, 5), processWindow(3_000_000, 8)],
    gatewayIdleCpuPct: [4, 6],
    ingest: { ...processWindow(1_000_000), events: 30_000, simulatorUs: 200_000 },
    outside: { elapsedMs: 10_000, redisCpuUs: 100_000, gatewayWaitMs: [100, 300], loadWaitMs: [0, 50] },
    stream: {
      entries: 1000,
      bytes: 5 * MB,
      redisInBytes: 6 * MB,
      redisOutBytes: 10 * MB,
      checkpointBytes: MB,
    },
    before: [
      { rssBytes: 50 * MB, heapBytes: 0 },
      { rssBytes: 50 * MB, heapBytes: 0 },
    ],
    connectedMemory: [
      { rssBytes: 52 * MB, heapBytes: 0 },
      { rssBytes: 53 * MB, heapBytes: 0 },
    ],
    drained: [
      { drained: true, ms: 500 },
      { drained: true, ms: 600 },
    ],
    verdicts: [right, right],
    replicasAgree: true,
    loadAverage: 3.5,
    ...overrides,
  };
}

describe('a scaled-out run', () => {
  it("adds up the gateways' CPU and divides it by every update every client received", () => {
    const run = deriveGatewayRun(twoGateways());
    expect(run.clients).toBe(200);
    expect(run.updatesPerSec).toBe(20_000);
    expect(run.gatewayCpuPct).toBeCloseTo(50);
    // 5 s of gateway CPU for 200,000 updates.
    expect(run.gatewayCpuUsPerUpdate).toBeCloseTo(25);
    expect(run.gatewayIdleCpuPct).toBe(5);
    // 20,000 frames in the window.
    expect(run.gatewayCpuUsPerFrame).toBeCloseTo(250);
    expect(run.ingestCpuPct).toBeCloseTo(10);
    expect(run.ingestSimCpuPct).toBeCloseTo(2);
    expect(run.redisCpuPct).toBeCloseTo(1);
    // Gateways, ingest and Redis: 6.1 s.
    expect(run.allCpuUsPerUpdate).toBeCloseTo(30.5);
  });

  it("merges every client's latencies before taking quantiles", () => {
    const run = deriveGatewayRun(twoGateways());
    expect(run.p50Ms).toBeCloseTo(30, 0);
    expect(run.p99Ms).toBeCloseTo(60, 0);
  });

  it('reports the stream, Redis and the egress as rates over the window', () => {
    const run = deriveGatewayRun(twoGateways());
    expect(run.streamEntriesPerSec).toBe(100);
    expect(run.streamKBPerSec).toBeCloseTo(512);
    expect(run.redisInKBPerSec).toBeCloseTo(614.4);
    expect(run.redisOutKBPerSec).toBeCloseTo(1024);
    expect(run.checkpointKB).toBe(1024);
    expect(run.bytesPerUpdate).toBe(20);
    expect(run.egressKBPerSec).toBeCloseTo(400_000 / 1024);
    expect(run.rssKbPerConn).toBeCloseTo((5 * 1024) / 200);
  });

  it('takes the worst gateway loop and the busiest load child', () => {
    const run = deriveGatewayRun(twoGateways());
    expect(run.loopDelayP99Ms).toBe(8);
    expect(run.loadCpuPct).toBeCloseTo(5);
    expect(run.gatewayWaitPct).toBeCloseTo(3);
    expect(run.loadWaitPct).toBeCloseTo(0.5);
  });

  it('is correct only when every client and every replica ended with the ingest’s quotes', () => {
    expect(deriveGatewayRun(twoGateways()).correct).toBe(true);
    const wrongClient = deriveGatewayRun(
      twoGateways({ verdicts: [right, { ...right, fastCorrect: false, firstMismatch: 'client 3 S0001' }] }),
    );
    expect(wrongClient.correct).toBe(false);
    expect(wrongClient.firstMismatch).toBe('client 3 S0001');
    const wrongReplica = deriveGatewayRun(twoGateways({ replicasAgree: false }));
    expect(wrongReplica.correct).toBe(false);
    expect(wrongReplica.error).toMatch(/replica/);
    expect(deriveGatewayRun(twoGateways({ verdicts: undefined })).correct).toBe(false);
    const refused = deriveGatewayRun(
      twoGateways({ connected: [{ connected: 99, failures: 1, ms: 100, firstError: 'refused' }] }),
    );
    expect(refused.correct).toBe(false);
    expect(refused.error).toBe('connect: refused');
  });
});

describe('one gateway against N', () => {
  const one = deriveGatewayRun({
    ...twoGateways(),
    gateways: 1,
    connected: [{ connected: 100, failures: 0, ms: 100 }],
    loads: [loadWindow(100_000, 2_000_000, [10, 20, 30])],
    gatewayWindows: [processWindow(2_500_000)],
    gatewayIdleCpuPct: [5],
    before: [{ rssBytes: 50 * MB, heapBytes: 0 }],
    connectedMemory: [{ rssBytes: 52 * MB, heapBytes: 0 }],
    verdicts: [right],
  });
  const many = deriveGatewayRun(twoGateways());

  it('divides each figure of the N-gateway run by the one-gateway run', () => {
    const rows = new Map(comparisonRows(one, many).map(([label, ...cells]) => [label, cells]));
    expect(rows.get('clients')).toEqual(['100', '200', '2.00x']);
    expect(rows.get('updates/s delivered')).toEqual(['10,000', '20,000', '2.00x']);
    expect(rows.get('gateway CPU us / update')).toEqual(['25.0', '25.0', '1.00x']);
    expect(rows.get('correct')).toEqual(['yes', 'yes', '']);
  });

  it('prints a ratio only where both figures are known and the first is not zero', () => {
    expect(ratioCell(2, 3)).toBe('1.50x');
    expect(ratioCell(0, 3)).toBe('-');
    expect(ratioCell(NaN, 3)).toBe('-');
    expect(ratioCell(true, false)).toBe('-');
    const failed = failedGatewayRun(2, 'gateway 1 exited', 1);
    const rows = new Map(comparisonRows(one, failed).map(([label, ...cells]) => [label, cells]));
    expect(rows.get('updates/s delivered')).toEqual(['10,000', '-', '-']);
    expect(rows.get('correct')).toEqual(['yes', 'NO', '']);
  });

  it('writes markdown rows with a header naming the gateways', () => {
    const lines = comparisonMarkdown(one, many).trim().split('\n');
    expect(lines[0]).toBe('|  | 1 gateway | 2 gateways | 2/1 |');
    expect(lines[1]).toBe('| --- | ---: | ---: | ---: |');
    expect(lines).toContain('| ingest simulator CPU % | 2.00 | 2.00 | 1.00x |');
    expect(lines.every((line) => line.startsWith('| ') && line.endsWith(' |'))).toBe(true);
  });
});

describe("Redis' INFO answer", () => {
  it('gives the numeric fields and leaves out section headers and text values', () => {
    const info = parseRedisInfo(
      '# Stats\r\ntotal_net_input_bytes:12345\r\ntotal_net_output_bytes:678\r\nrole:master\r\nempty:\r\n\r\n',
    );
    expect(info).toEqual({ total_net_input_bytes: 12345, total_net_output_bytes: 678 });
  });
});
