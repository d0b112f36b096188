/**
 * What one hostile address costs the server, with the public-URL limits at their defaults and with them lifted
 * (the largest values the config takes), for docs/security.md:
 *
 *   npx tsx bench/experiments/hostile-visitor.ts
 *
 * - API flood: 32 requests in flight for 10 s of `/api/candles?limit=2000` from one address: answers a second by
 *   status, bars served a second, and the server's CPU (from /proc).
 * - Connection flood: 2,000 Socket.IO connections opened at once from one address, while a client at another
 *   address holds the default watchlist: sessions admitted, and that client's longest gap between frames.
 *
 * The server is `npm run feed` in its own process, trusting 127.0.0.1 as a proxy so that X-Forwarded-For gives
 * the flood and the watching client different addresses.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import { io, type Socket } from 'socket.io-client';
import * as msgpackParser from 'socket.io-msgpack-parser';
import { sampleProcess } from '../proc-stats';

const ATTACKER = '198.51.100.66';
const WATCHER = '198.51.100.7';
/** Opens `count` connections at once, reports how many were admitted, holds them 3 s, closes them. */
const FLOOD = `
const { parentPort, workerData } = require('node:worker_threads');
const { io } = require('socket.io-client');
const parser = require('socket.io-msgpack-parser');
const { port, address, count } = workerData;
const sockets = Array.from({ length: count }, () =>
  io('http://127.0.0.1:' + port, { transports: ['websocket'], parser, forceNew: true, reconnection: false,
    extraHeaders: { 'x-forwarded-for': address } }));
Promise.all(sockets.map((s) => new Promise((resolve) => {
  s.once('connect', () => resolve(true));
  s.once('connect_error', () => resolve(false));
}))).then((outcomes) => {
  parentPort.postMessage(outcomes.filter(Boolean).length);
  setTimeout(() => { for (const s of sockets) s.disconnect(); process.exit(0); }, 3000);
});
`;
const LIFTED = {
  MAX_CONNECTIONS_PER_IP: '100000',
  API_REQUESTS_PER_SECOND: '100000',
  API_BARS_PER_SECOND: '10000000',
};

async function startFeed(env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/feed.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      TRUSTED_PROXIES: '127.0.0.1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`feed exited with ${code}`)));
    lines.on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; port?: number };
      if (entry.msg === 'feed listening' && entry.port) resolve(entry.port);
    });
  });
  return { child, port };
}

async function apiFlood(port: number, pid: number) {
  const url = `http://127.0.0.1:${port}/api/candles?symbol=AAPL&interval=1m&limit=2000`;
  const statuses = new Map<number, number>();
  let bars = 0;
  const seconds = 10;
  const end = Date.now() + seconds * 1000;
  const before = sampleProcess(pid);
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (Date.now() < end) {
        const response = await fetch(url, { headers: { 'x-forwarded-for': ATTACKER } });
        const body = (await response.json()) as { bars?: unknown[] };
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        bars += body.bars?.length ?? 0;
      }
    }),
  );
  const after = sampleProcess(pid);
  const cpu = before && after ? (after.cpuUs - before.cpuUs) / 1e4 / seconds : NaN;
  return {
    perSecond: Object.fromEntries(
      [...statuses].map(([status, count]) => [status, Math.round(count / seconds)]),
    ),
    barsPerSecond: Math.round(bars / seconds),
    serverCpuPercent: Math.round(cpu),
  };
}

function connect(port: number, address: string): Socket {
  return io(`http://127.0.0.1:${port}`, {
    transports: ['websocket'],
    parser: msgpackParser,
    forceNew: true,
    reconnection: false,
    extraHeaders: { 'x-forwarded-for': address },
  });
}

async function connectionFlood(port: number) {
  const watcher = connect(port, WATCHER);
  const arrivals: number[] = [];
  watcher.on('frame', () => arrivals.push(Date.now()));
  await new Promise((resolve) => watcher.once('hello', resolve));
  watcher.emit(
    'subscribe',
    { symbols: ['AAPL', 'MSFT', 'NVDA', 'TSLA', 'SPY', 'BTC-USD', 'ETH-USD', 'EURUSD', 'USDJPY'] },
    () => {},
  );
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const floodStart = Date.now();
  // The flood runs on a thread of its own, so its work on this side does not delay the watcher's event loop.
  const admitted = await new Promise<number>((resolve, reject) => {
    const flood = new Worker(FLOOD, { eval: true, workerData: { port, address: ATTACKER, count: 2000 } });
    flood.once('message', (count: number) => resolve(count));
    flood.once('error', reject);
  });
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const gaps = arrivals
    .filter((time) => time >= floodStart)
    .map((time, i, all) => (i === 0 ? time - floodStart : time - (all[i - 1] ?? time)));
  watcher.disconnect();
  return { admitted, watcherLongestGapMs: Math.max(...gaps) };
}

for (const [name, env] of [
  ['defaults', {}],
  ['limits lifted', LIFTED],
] as const) {
  const { child, port } = await startFeed(env);
  const api = await apiFlood(port, child.pid ?? 0);
  const connections = await connectionFlood(port);
  process.stdout.write(`${JSON.stringify({ limits: name, api, connections })}\n`);
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
}
