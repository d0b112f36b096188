/**
 * JSON (Socket.IO's default parser) against MessagePack (socket.io-msgpack-parser, what the feed uses) for
 * tickerboard frames: bytes on the wire and CPU to encode and decode, measured side by side on the same frames
 * in one run. `npm run bench:encoding`.
 *
 * The frames are real: a T1-like market (500 symbols at 5 events/s, 1,000 clients with 20 Zipf-chosen symbols,
 * 100 ms flushes) run through the fan-out for 10 simulated seconds. Two encodings are timed for each format:
 * a whole frame by the parser's encoder, and the fan-out's way, a client's frame assembled from entries
 * encoded once per flush (for JSON, joining the entries' text).
 */
import { performance } from 'node:perf_hooks';
import * as msgpack from 'notepack.io';
import { clientParser } from '../lib/msgpack-parser';
import type { UnixMillis } from '../lib/nominal';
import type { Frame } from '../lib/protocol';
import { createRandom } from '../lib/rng';
import type { Clock } from '../server/clock';
import { FanOut } from '../server/fanout/fan-out';
import { encodeEntry, frameMessage, packetOf } from '../server/fanout/wire';
import { MarketState } from '../server/market/market-state';
import { syntheticCatalogue } from '../server/source/catalogue';
import { Simulator } from '../server/source/simulator';

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

const packets: Buffer[] = [];
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
    send: (message) => packets.push(packetOf(message)),
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

const objects = packets.map((packet) => (msgpack.decode(packet) as { data: [string, Frame] }).data[1]);
const updates = objects.reduce((n, frame) => n + (frame.q?.length ?? 0), 0);
// Engine.IO message type `4`, then the Socket.IO event packet `2["frame",{...}]`.
const jsonPackets = objects.map((frame) => `42${JSON.stringify(['frame', frame])}`);
const packPackets = packets;
// Each frame's entries, encoded as the fan-out holds them before assembling a client's frame.
const jsonEntries = objects.map((frame) => (frame.q ?? []).map((entry) => JSON.stringify(entry)));
const packEntries = objects.map((frame) => (frame.q ?? []).map(encodeEntry));
const jsonBytes = jsonPackets.reduce((n, p) => n + Buffer.byteLength(p), 0);
const packBytes = packPackets.reduce((n, p) => n + p.length, 0);

function time(label: string, run: () => void): number {
  for (let i = 0; i < 2; i++) run();
  const start = performance.now();
  const rounds = 5;
  for (let i = 0; i < rounds; i++) run();
  const us = ((performance.now() - start) * 1000) / rounds / packets.length;
  return Number(us.toFixed(3)) || (console.warn(label), 0);
}

const jsonEncode = time('json encode', () => objects.forEach((f) => `42${JSON.stringify(['frame', f])}`));
const packEncode = time('msgpack encode', () =>
  objects.forEach((f) => msgpack.encode({ type: 2, nsp: '/', data: ['frame', f] })),
);
const jsonAssemble = time('json assemble', () =>
  objects.forEach((f, i) => `42["frame",{"t":${f.t},"q":[${(jsonEntries[i] as string[]).join(',')}]}]`),
);
const packAssemble = time('msgpack assemble', () =>
  objects.forEach((f, i) => frameMessage(f.t, packEntries[i] as Buffer[], [])),
);
const jsonDecode = time('json decode', () => jsonPackets.forEach((p) => JSON.parse(p.slice(2))));
const packDecode = time('msgpack decode', () => packPackets.forEach((p) => msgpack.decode(p)));
// What the dashboard runs: the bounded parser (lib/msgpack-parser.ts), a walk of the bytes then @msgpack/msgpack.
const bounded = new clientParser.Decoder();
bounded.on('decoded', () => {});
const boundedDecode = time('bounded decode', () => packPackets.forEach((p) => bounded.add(p)));

const rows: [string, number | string, number | string, string][] = [
  [
    'bytes per frame',
    (jsonBytes / packets.length).toFixed(1),
    (packBytes / packets.length).toFixed(1),
    (packBytes / jsonBytes).toFixed(2),
  ],
  [
    'bytes per update',
    (jsonBytes / updates).toFixed(1),
    (packBytes / updates).toFixed(1),
    (packBytes / jsonBytes).toFixed(2),
  ],
  ['encode µs per frame', jsonEncode, packEncode, (packEncode / jsonEncode).toFixed(2)],
  ['assemble µs per frame', jsonAssemble, packAssemble, (packAssemble / jsonAssemble).toFixed(2)],
  ['decode µs per frame', jsonDecode, packDecode, (packDecode / jsonDecode).toFixed(2)],
  ['bounded decode µs', jsonDecode, boundedDecode, (boundedDecode / jsonDecode).toFixed(2)],
];
process.stdout.write(
  `${packets.length} frames, ${updates} symbol updates (${SYMBOLS} symbols, ${CLIENTS} clients × ${PER_CLIENT}, ${FLUSH_MS} ms flushes, ${SECONDS} s)\n\n`,
);
process.stdout.write(
  `${'metric'.padEnd(22)}${'JSON'.padStart(10)}${'msgpack'.padStart(10)}${'msgpack/JSON'.padStart(14)}\n`,
);
for (const [name, json, pack, ratio] of rows) {
  process.stdout.write(
    `${name.padEnd(22)}${String(json).padStart(10)}${String(pack).padStart(10)}${ratio.padStart(14)}\n`,
  );
}
