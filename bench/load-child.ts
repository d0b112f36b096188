/**
 * The load child: every client of one run, in one process on its own core. Opens the connections in bounded
 * batches, records what arrives during the window, throttles the slow clients, and at the end checks every
 * client's mirror against the server's final state. Started by bench/run.ts.
 */
import { writeFileSync } from 'node:fs';
import { syntheticCatalogue } from '../server/source/catalogue';
import type { Connected, LoadCommands, LoadConnect, Received, Verdict } from './commands';
import { startProfiler } from './profile';
import { serve } from './rpc';
import { CLIENTS, type LoadClient } from './load/clients';
import { Recorder } from './load/recorder';
import { zipfSubscriptions } from './load/subscriptions';

interface Member {
  client: LoadClient;
  slow: boolean;
  browserReducer: boolean;
}

/** One client in this many keeps its state with the browser's reducers (lib/quote-book.ts), the rest in place. */
const BROWSER_REDUCER_EVERY = 10;

const fast = new Recorder();
const slow = new Recorder();
let members: Member[] = [];
let warmup = { at: 0, bytes: 0 };
let openWindow:
  { at: number; cpu: NodeJS.CpuUsage; fastBytes: number; slowBytes: number; slowRate: number } | undefined;

const bytesRead = (group: readonly Member[]): number =>
  group.reduce((sum, { client }) => sum + client.connection.bytesRead, 0);
const fastMembers = (): Member[] => members.filter((m) => !m.slow);
const slowMembers = (): Member[] => members.filter((m) => m.slow);
let profiling: { path: string; stop: () => Promise<object> } | undefined;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function connect(options: LoadConnect): Promise<Connected> {
  const universe = syntheticCatalogue(options.symbols, 1).map((instrument) => instrument.symbol);
  const lists = zipfSubscriptions(universe, options.clients, options.symbolsPerClient, options.seed);
  const slowEvery = options.slowShare > 0 ? Math.round(1 / options.slowShare) : 0;
  const started = performance.now();
  let failures = 0;
  let firstError: string | undefined;
  for (let first = 0; first < lists.length; first += options.batch) {
    if (performance.now() - started > options.deadlineMs) {
      failures += lists.length - first;
      firstError ??= `${lists.length - first} clients not tried: connecting took over ${options.deadlineMs} ms`;
      break;
    }
    const batch = lists.slice(first, first + options.batch).map((symbols, i): Member => {
      const isSlow = slowEvery > 0 && (first + i) % slowEvery === 0;
      const recorder = isSlow ? slow : fast;
      const browserReducer = (first + i) % BROWSER_REDUCER_EVERY === BROWSER_REDUCER_EVERY - 1;
      const client = CLIENTS[options.kind]({ port: options.port, symbols, recorder, browserReducer });
      return { client, slow: isSlow, browserReducer };
    });
    const results = await Promise.allSettled(
      batch.map((member) => withTimeout(member.client.ready, options.timeoutMs, 'connect and subscribe')),
    );
    results.forEach((result, i) => {
      const member = batch[i] as Member;
      if (result.status === 'fulfilled') {
        members.push(member);
        return;
      }
      failures++;
      firstError ??= String(result.reason);
      member.client.connection.close();
    });
  }
  warmup = { at: performance.now(), bytes: bytesRead(members) };
  return { connected: members.length, failures, firstError, ms: performance.now() - started };
}

function received(recorder: Recorder, group: readonly Member[], bytesBefore: number): Received {
  return recorder.stop(group.length, bytesRead(group) - bytesBefore);
}

function verify(expected: Record<string, number[]>): Verdict {
  const verdict: Verdict = {
    fastCorrect: true,
    slowCorrect: true,
    mismatches: 0,
    checked: 0,
    disconnected: 0,
  };
  members.forEach(({ client, slow: isSlow, browserReducer }, index) => {
    let correct = !client.connection.dropped;
    if (!correct) verdict.disconnected++;
    for (const symbol of client.symbols) {
      verdict.checked++;
      if (!client.connection.dropped && client.mirror.matches(symbol, expected[symbol])) continue;
      correct = false;
      verdict.mismatches++;
      verdict.firstMismatch ??=
        `client ${index}${browserReducer ? ' (browser reducer)' : ''} ${symbol}: holds ${JSON.stringify(client.mirror.values(symbol))}` +
        `${client.mirror.stale.has(symbol) ? ' (stale)' : ''}${client.connection.dropped ? ' (disconnected)' : ''}, ` +
        `server has ${JSON.stringify(expected[symbol])}`;
    }
    if (correct) return;
    if (isSlow) verdict.slowCorrect = false;
    else verdict.fastCorrect = false;
  });
  return verdict;
}

serve<LoadCommands>({
  connect,
  async measureStart({ slowSpeed, profilePath }) {
    if (profilePath) profiling = { path: profilePath, stop: await startProfiler() };
    const now = performance.now();
    const perClient =
      (bytesRead(members) - warmup.bytes) / Math.max(1, members.length) / ((now - warmup.at) / 1000);
    const slowRate = slowSpeed < 1 ? Math.max(1, perClient * slowSpeed) : 0;
    for (const { client } of slowMembers()) client.connection.throttle(slowRate);
    openWindow = {
      at: now,
      cpu: process.cpuUsage(),
      fastBytes: bytesRead(fastMembers()),
      slowBytes: bytesRead(slowMembers()),
      slowRate,
    };
    fast.start();
    slow.start();
    return null;
  },
  async measureEnd() {
    if (!openWindow) throw new Error('measureEnd without measureStart');
    const cpu = process.cpuUsage(openWindow.cpu);
    const result = {
      elapsedMs: performance.now() - openWindow.at,
      cpuUs: cpu.user + cpu.system,
      fast: received(fast, fastMembers(), openWindow.fastBytes),
      slow: received(slow, slowMembers(), openWindow.slowBytes),
      slowBytesPerSec: openWindow.slowRate,
      disconnects: members.filter(({ client }) => client.connection.dropped).length,
      gaps: members.reduce((sum, { client }) => sum + client.mirror.gaps, 0),
    };
    openWindow = undefined;
    if (profiling) writeFileSync(profiling.path, JSON.stringify(await profiling.stop()));
    profiling = undefined;
    return result;
  },
  async drain({ quietMs, timeoutMs }) {
    for (const { client } of members) client.connection.throttle(0);
    const started = performance.now();
    for (;;) {
      await sleep(50);
      const now = performance.now();
      const quiet = now - Math.max(fast.lastMessageAt, slow.lastMessageAt) >= quietMs;
      const resynced = members.every(({ client }) => client.mirror.stale.size === 0);
      if (quiet && resynced) return { drained: true, ms: now - started };
      if (now - started > timeoutMs) return { drained: false, ms: now - started };
    }
  },
  verify: ({ expected }) => verify(expected),
  close() {
    for (const { client } of members) client.connection.close();
    members = [];
    setImmediate(() => process.exit(0));
    return null;
  },
});
