/**
 * JSON against msgpack (the Socket.IO msgpack parser's encoding) for tickerboard frames: bytes on the wire and CPU
 * to encode and decode, measured side by side on the same frames in one run. `npm run bench:encoding`.
 *
 * The frames are real: a T1-like market (500 symbols at 5 events/s, 1,000 clients with 20 Zipf-chosen symbols,
 * 100 ms flushes) run through the fan-out for 10 simulated seconds.
 */
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import type { UnixMillis } from '../lib/nominal';
import type { Frame } from '../lib/protocol';
import { createRandom } from '../lib/rng';
import type { Clock } from '../server/clock';
import { FanOut } from '../server/fanout/fan-out';
import { MarketState } from '../server/market/market-state';
import { syntheticCatalogue } from '../server/source/catalogue';
import { Simulator } from '../server/source/simulator';

const require = createRequire(import.meta.url);
const msgpack = require('notepack.io') as { encode(value: unknown): Buffer; decode(buffer: Buffer): unknown };

const SYMBOLS = 500;
const CLIENTS = 1000;
const PER_CLIENT = 20;
const FLUSH_MS = 100;
const SECONDS = 10;

let now = Date.UTC(2026, 0, 5, 15);
const clock: Clock = { now: () => now as UnixMillis, setTimer: () => () => {} };
const simulator = new Simulator({
  seed: 7,
  instruments: syntheticCatalogue(SYMBOLS, 5),
  clock,
  history: false,
});
const market = new MarketState(simulator.instruments, 500);
market.backfill(simulator, clock.now());
const fanOut = new FanOut(market, {
  flushMs: FLUSH_MS,
  minFlushMs: 100,
  maxFlushMs: 1000,
  slowClientMs: 1e9,
  clock,
});
fanOut.start();

const frames: string[] = [];
const random = createRandom(11);
const symbols = simulator.instruments.map((i) => i.symbol);
// Zipf-like popularity: symbol k is chosen with weight 1 / (k + 1).
const weights = symbols.map((_, k) => 1 / (k + 1));
const total = weights.reduce((a, b) => a + b, 0);
const pick = (): string => {
  let r = random() * total;
  for (let k = 0; k < symbols.length; k++) {
    r -= weights[k] as number;
    if (r <= 0) return symbols[k] as string;
  }
  return symbols[0] as string;
};
for (let c = 0; c < CLIENTS; c++) {
  const client = fanOut.addClient({
    send: (text) => frames.push(text),
    writable: () => true,
    close: () => {},
  });
  const held = new Set<string>();
  while (held.size < PER_CLIENT) held.add(pick());
  fanOut.subscribe(client, [...held]);
}
for (let t = 0; t < (SECONDS * 1000) / FLUSH_MS; t++) {
  now += FLUSH_MS;
  simulator.advance((event) => market.apply(event), now);
  fanOut.flush();
}

const objects = frames.map((text) => JSON.parse(text) as Frame);
const updates = objects.reduce((n, frame) => n + (frame.q?.length ?? 0), 0);
const jsonPackets = frames.map((text) => `2["frame",${text}]`);
const packPackets = objects.map((frame) => msgpack.encode({ type: 2, nsp: '/', data: ['frame', frame] }));
const jsonBytes = jsonPackets.reduce((n, p) => n + Buffer.byteLength(p), 0);
const packBytes = packPackets.reduce((n, p) => n + p.length, 0);

function time(label: string, run: () => void): number {
  for (let i = 0; i < 2; i++) run();
  const start = performance.now();
  const rounds = 5;
  for (let i = 0; i < rounds; i++) run();
  const us = ((performance.now() - start) * 1000) / rounds / frames.length;
  return Number(us.toFixed(3)) || (console.warn(label), 0);
}

const jsonEncode = time('json encode', () => objects.forEach((f) => JSON.stringify(['frame', f])));
const packEncode = time('msgpack encode', () =>
  objects.forEach((f) => msgpack.encode({ type: 2, nsp: '/', data: ['frame', f] })),
);
const jsonDecode = time('json decode', () => jsonPackets.forEach((p) => JSON.parse(p.slice(1))));
const packDecode = time('msgpack decode', () => packPackets.forEach((p) => msgpack.decode(p)));

const rows: [string, number | string, number | string, string][] = [
  [
    'bytes per frame',
    (jsonBytes / frames.length).toFixed(1),
    (packBytes / frames.length).toFixed(1),
    (packBytes / jsonBytes).toFixed(2),
  ],
  [
    'bytes per update',
    (jsonBytes / updates).toFixed(1),
    (packBytes / updates).toFixed(1),
    (packBytes / jsonBytes).toFixed(2),
  ],
  ['encode µs per frame', jsonEncode, packEncode, (packEncode / jsonEncode).toFixed(2)],
  ['decode µs per frame', jsonDecode, packDecode, (packDecode / jsonDecode).toFixed(2)],
];
process.stdout.write(
  `${frames.length} frames, ${updates} symbol updates (${SYMBOLS} symbols, ${CLIENTS} clients × ${PER_CLIENT}, ${FLUSH_MS} ms flushes, ${SECONDS} s)\n\n`,
);
process.stdout.write(
  `${'metric'.padEnd(22)}${'JSON'.padStart(10)}${'msgpack'.padStart(10)}${'msgpack/JSON'.padStart(14)}\n`,
);
for (const [name, json, pack, ratio] of rows) {
  process.stdout.write(
    `${name.padEnd(22)}${String(json).padStart(10)}${String(pack).padStart(10)}${ratio.padStart(14)}\n`,
  );
}
