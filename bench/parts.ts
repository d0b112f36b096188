/**
 * `npm run bench:parts`: what one frame of T1 costs the server, in two parts measured apart.
 *
 * 1. The fan-out's own work per frame (diffs, encoding, building each client's message), with the sockets left
 *    out: T1's 500 symbols and 1,000 clients of 20 Zipf-drawn symbols, flushed every 100 ms of simulated time.
 * 2. The floor under every server: a bare `socket.write` of a frame of that size to each of 1,000 loopback
 *    sockets every 100 ms, the reader in a child on the other core, as in `npm run bench`.
 *
 * The feed is left out of both: the market's work per event is printed apart, the simulator's not at all
 * (`npm run bench` reports the whole feed as "server CPU % before clients"). Run with `--reader <port> <sockets>`, the script is that child.
 */
import { createServer, connect, type Socket } from 'node:net';
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { FanOut } from '../server/fanout/fan-out';
import { MarketState } from '../server/market/market-state';
import { syntheticCatalogue } from '../server/source/catalogue';
import { Simulator } from '../server/source/simulator';
import type { Clock } from '../server/clock';
import type { UnixMillis } from '../lib/nominal';
import type { MarketEvent } from '../server/source/price-source';
import { pinning, spawnChild } from './children';
import { zipfSubscriptions } from './load/subscriptions';

const CLIENTS = 1000;
const FLUSH_MS = 100;
const WRITE_WINDOW_MS = 10_000;

function reader(port: number, sockets: number): void {
  let bytes = 0;
  for (let i = 0; i < sockets; i++) {
    connect(port, '127.0.0.1').on('data', (chunk: Buffer) => (bytes += chunk.length));
  }
  // Asked how much it read once `expected` bytes were sent: answers when they are all in, or after 5 s.
  process.on('message', (expected) => {
    const deadline = performance.now() + 5000;
    const answer = setInterval(() => {
      if (bytes < Number(expected) && performance.now() < deadline) return;
      clearInterval(answer);
      process.send?.(bytes);
      process.exit(0);
    }, 10);
  });
}

/**
 * Part 1, on one core, by the clock (the loop is CPU-bound): the fan-out's work per frame (marking feeds dirty as
 * events arrive, then diffs, encoding and building each client's message at the flush) and the market's work per
 * event (folding it into the quote and six bar series), measured on a second market with nobody listening.
 */
function fanOutPart(): { usPerFrame: number; bytesPerFrame: number; marketUsPerEvent: number } {
  let now = Date.UTC(2026, 0, 5, 15, 0, 0);
  const clock: Clock = { now: () => now as UnixMillis, setTimer: () => () => {} };
  const instruments = syntheticCatalogue(500, 5);
  const simulator = new Simulator({ seed: 1, instruments, clock, history: false });
  const market = new MarketState(simulator.instruments, 100);
  const bare = new MarketState(simulator.instruments, 100);
  const start: MarketEvent[] = [];
  simulator.backfill((event) => void start.push(event), clock.now());
  for (const event of start) {
    market.apply(event);
    bare.apply(event);
  }
  const fanOut = new FanOut(market, {
    flushMs: FLUSH_MS,
    minFlushMs: 25,
    maxFlushMs: 2000,
    slowClientMs: 30_000,
    clock,
  });
  let frames = 0;
  let bytes = 0;
  const sink = {
    send: (message: Buffer) => void ((frames += 1), (bytes += message.length)),
    writable: () => true,
    close() {},
  };
  const universe = instruments.map((instrument) => instrument.symbol);
  for (const symbols of zipfSubscriptions(universe, CLIENTS, 20, 1))
    fanOut.subscribe(fanOut.addClient(sink), symbols);
  fanOut.start();
  // Every period's events made before any timing, so the simulator's work and garbage stay out of it.
  const periods: MarketEvent[][] = [];
  for (let i = 0; i < 1300; i++) {
    const events: MarketEvent[] = [];
    simulator.advance((event) => void events.push(event), clock.now() + (i + 1) * FLUSH_MS);
    periods.push(events);
  }
  let fanOutNs = 0n;
  let marketNs = 0n;
  let events = 0;
  periods.forEach((due, i) => {
    if (i === 300) {
      // The first 300 periods warm up.
      [fanOutNs, marketNs, events, frames, bytes] = [0n, 0n, 0, 0, 0];
    }
    now += FLUSH_MS;
    const t0 = process.hrtime.bigint();
    for (const event of due) bare.apply(event);
    const t1 = process.hrtime.bigint();
    for (const event of due) market.apply(event);
    const t2 = process.hrtime.bigint();
    fanOut.flush();
    const t3 = process.hrtime.bigint();
    marketNs += t1 - t0;
    fanOutNs += t2 - t1 - (t1 - t0) + (t3 - t2);
    events += due.length;
  });
  fanOut.stop();
  return {
    usPerFrame: Number(fanOutNs) / 1000 / frames,
    bytesPerFrame: bytes / frames,
    marketUsPerEvent: Number(marketNs) / 1000 / events,
  };
}

/** Part 2: CPU of a bare write of `size` bytes to each of `CLIENTS` loopback sockets every flush. */
async function writePart(
  size: number,
  readerCore: string | undefined,
): Promise<{ userUs: number; systemUs: number; writesPerSec: number }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    sockets.push(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const child = spawnChild('parts.ts', readerCore, CLIENTS + 100, [
    '--reader',
    String(port),
    String(CLIENTS),
  ]);
  for (let waited = 0; sockets.length < CLIENTS; waited += 20) {
    if (waited > 30_000) throw new Error(`only ${sockets.length} of ${CLIENTS} sockets connected`);
    await sleep(20);
  }
  // One buffer for every write: building each client's message is part 1's.
  const frame = Buffer.alloc(size, 0x42);
  let writes = 0;
  let allWrites = 0;
  let measuring = false;
  const timer = setInterval(() => {
    for (const socket of sockets) socket.write(frame);
    allWrites += sockets.length;
    if (measuring) writes += sockets.length;
  }, FLUSH_MS);
  await sleep(2000);
  measuring = true;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await sleep(WRITE_WINDOW_MS);
  const used = process.cpuUsage(cpu);
  const elapsed = performance.now() - started;
  measuring = false;
  clearInterval(timer);
  const received = new Promise<number>((resolve) => child.once('message', (bytes) => resolve(Number(bytes))));
  child.send(allWrites * size);
  const bytes = await received;
  if (bytes !== allWrites * size) throw new Error(`the reader got ${bytes} bytes of ${allWrites * size}`);
  for (const socket of sockets) socket.destroy();
  server.close();
  return {
    userUs: used.user / writes,
    systemUs: used.system / writes,
    writesPerSec: (writes / elapsed) * 1000,
  };
}

async function main(): Promise<void> {
  const cores = pinning();
  if (cores) spawnSync('taskset', ['-pc', cores.server, String(process.pid)], { stdio: 'ignore' });
  const fanOut = fanOutPart();
  const write = await writePart(Math.round(fanOut.bytesPerFrame), cores?.load);
  const f = (n: number) => n.toFixed(2).padStart(7);
  process.stdout.write(
    [
      `T1's frame, in parts (${CLIENTS} clients, flush ${FLUSH_MS} ms, frames of ${fanOut.bytesPerFrame.toFixed(0)} B)`,
      `fan-out work per frame, no sockets          ${f(fanOut.usPerFrame)} us`,
      `bare socket.write per frame, user           ${f(write.userUs)} us`,
      `bare socket.write per frame, kernel         ${f(write.systemUs)} us  (on loopback, with the reader's TCP receive)`,
      `sum                                         ${f(fanOut.usPerFrame + write.userUs + write.systemUs)} us`,
      `(${write.writesPerSec.toFixed(0)} writes a second; the feed itself comes on top)`,
      `market: an event into the quote and bars    ${f(fanOut.marketUsPerEvent)} us`,
      '',
    ].join('\n'),
  );
}

const readerAt = process.argv.indexOf('--reader');
if (readerAt >= 0) reader(Number(process.argv[readerAt + 1]), Number(process.argv[readerAt + 2]));
else await main();
