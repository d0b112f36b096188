import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom, type Random } from '../../lib/rng';
import { startChildFeed, type ChildFeed } from '../support/child-feed';
import { closeClients, connectClient, type FeedClient } from '../support/feed-client';
import {
  fatalPacket,
  oversizedPacket,
  refusedPacket,
  type MalformedPacket,
} from '../support/malformed-packets';
import { rawPolling, rawWebSocket, type RawConnection } from '../support/raw-engine-io';
import { sleep } from '../support/wait';

/**
 * Issue 9's "done when": at least 10,000 malformed packets over raw Engine.IO, on WebSocket and on base64
 * long-polling, from a seeded random source (FUZZ_SEED to replay one), at a real server in its own process. The
 * server never dies, its event loop never stops turning for more than 250 ms (a well-behaved client's frames wait on
 * it; measured in CPU time, so that the shared machine's load does not count), every
 * packet that must close its connection does, and the server's heap ends within 10 MB of where it started.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const PACKETS = 10_000;
const FLUSH_MS = 100;
/** The most the server's loop may go without turning (CPU time): what would hold a client's frames up. */
const MAX_STALL_MS = 250;
/**
 * The most a bystander's frames may be apart as it sees them, in wall time. This counts whatever else the shared
 * machine runs (the server's own stall is measured in CPU time, above), so it only rules out stalls of many seconds
 * (issue 9 measured ten).
 */
const MAX_WALL_GAP_MS = 5000;
const MAX_HEAP_GROWTH = 10 * 1024 * 1024;
/** Sessions under way at once. */
const CONCURRENCY = 6;

interface Session {
  transport: 'websocket' | 'polling';
  /** Socket.IO's connect first, so that packets reach the event handlers. */
  connect: boolean;
  /** Sent in order; the last one is fatal, so that the session ends when the server has read them all. */
  packets: MalformedPacket[];
}

/** The sessions, drawn up front from the seed: the same seed sends the same packets. */
function plan(random: Random, packets: number): Session[] {
  const sessions: Session[] = [];
  let planned = 0;
  while (planned < packets) {
    const transport = random() < 0.6 ? 'websocket' : 'polling';
    const roll = random();
    let session: Session;
    if (roll < 0.01) session = { transport, connect: random() < 0.5, packets: [oversizedPacket(random)] };
    else if (roll < 0.6) session = { transport, connect: random() < 0.5, packets: [fatalPacket(random)] };
    else {
      // Under the rate limit's burst (40): refused one by one, answered, connection kept, until the fatal one.
      const refused = Array.from({ length: 5 + Math.floor(random() * 25) }, () => refusedPacket(random));
      session = { transport, connect: true, packets: [...refused, fatalPacket(random)] };
    }
    sessions.push(session);
    planned += session.packets.length;
  }
  return sessions;
}

let feed: ChildFeed;
let bystander: FeedClient;
const arrivals: number[] = [];

beforeAll(async () => {
  feed = await startChildFeed({ FLUSH_MS: String(FLUSH_MS), FLUSH_MIN_MS: String(FLUSH_MS) });
  bystander = connectClient(feed);
  await bystander.connected();
  expect((await bystander.subscribe(['BTC-USD', 'ETH-USD', 'SOL-USD', 'EURUSD', 'USDJPY', 'AAPL'])).ok).toBe(
    true,
  );
  bystander.socket.on('frame', () => arrivals.push(performance.now()));
});
afterAll(async () => {
  closeClients();
  await feed.stop();
});

async function run(session: Session): Promise<{ closed: boolean; sent: number }> {
  const open = session.transport === 'websocket' ? rawWebSocket : rawPolling;
  const connection: RawConnection = await open(feed.port);
  try {
    if (session.connect) await connection.connectSocketIo();
    await connection.send(session.packets.map((packet) => packet.bytes));
    return { closed: await connection.closedByServer(5000), sent: session.packets.length };
  } finally {
    connection.close();
  }
}

async function runAll(sessions: readonly Session[]): Promise<{ unclosed: Session[]; sent: number }> {
  const unclosed: Session[] = [];
  let sent = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < sessions.length) {
        const session = sessions[next++] as Session;
        const result = await run(session);
        sent += result.sent;
        if (!result.closed) unclosed.push(session);
      }
    }),
  );
  return { unclosed, sent };
}

/** Waits until the server holds only the bystander's connection. */
async function onlyBystanderLeft(what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while ((await feed.connections()) !== 1) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

function longestGap(times: readonly number[]): number {
  let longest = 0;
  for (let i = 1; i < times.length; i++)
    longest = Math.max(longest, (times[i] as number) - (times[i - 1] as number));
  return longest;
}

describe(`${PACKETS} malformed packets (seed ${SEED})`, () => {
  it('never kill or stall the server, each fatal one closes its connection only, and the heap comes back', async () => {
    const random = createRandom(SEED);
    // A first round warms the server up (code paths compiled, caches filled) before its heap is weighed.
    await runAll(plan(random, 300));
    await onlyBystanderLeft('the warm-up sessions to close');
    const heapBefore = await feed.heapUsed();
    await feed.longestStall();

    const sessions = plan(random, PACKETS);
    const from = arrivals.length;
    const started = performance.now();
    const { unclosed, sent } = await runAll(sessions);
    const elapsed = performance.now() - started;
    await sleep(3 * FLUSH_MS);
    const gap = longestGap(arrivals.slice(from));
    const stall = await feed.longestStall();

    expect(feed.alive()).toBe(true);
    expect(sent).toBeGreaterThanOrEqual(PACKETS);
    expect(
      sessions.some((s) => s.transport === 'polling') && sessions.some((s) => s.transport === 'websocket'),
    ).toBe(true);
    expect(unclosed.map((s) => s.packets.at(-1)?.kind)).toEqual([]);
    expect(stall).toBeLessThan(MAX_STALL_MS);
    expect(gap).toBeLessThan(MAX_WALL_GAP_MS);
    expect(bystander.socket.connected).toBe(true);
    expect(bystander.mirror.gaps).toEqual([]);
    expect(bystander.mirror.seqSteps).toEqual([]);

    // Polling sessions the server closed are dropped when their close completes.
    await onlyBystanderLeft('every fuzz session to close');
    const heapAfter = await feed.heapUsed();
    expect(heapAfter - heapBefore).toBeLessThan(MAX_HEAP_GROWTH);
    process.stdout.write(
      `fuzz seed ${SEED}: ${sent} packets in ${sessions.length} sessions ` +
        `(${sessions.filter((s) => s.transport === 'polling').length} long-polling) in ${Math.round(elapsed)} ms; ` +
        `longest server stall ${Math.round(stall)} ms (CPU), frame gap ${Math.round(gap)} ms; heap ${((heapAfter - heapBefore) / 1024 / 1024).toFixed(2)} MB\n`,
    );
  }, 120_000);
});
