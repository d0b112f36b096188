import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildFeed, type ChildFeed } from '../support/child-feed';
import { closeClients, connectClient, type FeedClient } from '../support/feed-client';
import { rawPolling, rawWebSocket, type RawConnection } from '../support/raw-engine-io';
import { sleep } from '../support/wait';

/**
 * The packets of issue 9, sent to a real server in its own process as a hostile visitor would: before any Socket.IO
 * connect, over raw Engine.IO. Each closes its own connection only: the server lives, its heap does not grow, and a
 * client streaming next to them keeps its frames coming.
 */
const FLUSH_MS = 100;
/** The most the server's loop may go without turning (CPU time): what would hold a client's frames up. */
const MAX_STALL_MS = 250;
/**
 * The most a bystander's frames may be apart as it sees them, in wall time. This counts whatever else the shared
 * machine runs (the server's own stall is measured in CPU time, above), so it only rules out stalls of many seconds
 * (issue 9 measured ten).
 */
const MAX_WALL_GAP_MS = 5000;

const HOSTILE: [string, Buffer][] = [
  [
    '60 nested array32 headers each claiming 10,000,000 elements',
    Buffer.from('dd00989680'.repeat(60), 'hex'),
  ],
  ['an ext32 header claiming 1 GB', Buffer.from('c93b9aca0000', 'hex')],
  ['a bin32 header claiming 1 GB', Buffer.from('c63b9aca00', 'hex')],
  ['a str32 header claiming 4 GB', Buffer.from('dbffffffff', 'hex')],
  ['a map32 header claiming 4 billion entries', Buffer.from('dfffffffff', 'hex')],
];

let feed: ChildFeed;
let bystander: FeedClient;
const arrivals: number[] = [];

beforeAll(async () => {
  feed = await startChildFeed({ FLUSH_MS: String(FLUSH_MS), FLUSH_MIN_MS: String(FLUSH_MS) }, 256);
  bystander = connectClient(feed);
  await bystander.connected();
  const { limits } = await bystander.hello;
  // Every symbol: each flush has something new, so a missing frame is a stall.
  const symbols = ['BTC-USD', 'ETH-USD', 'SOL-USD', 'EURUSD', 'USDJPY', 'AAPL', 'MSFT'];
  expect(symbols.length).toBeLessThanOrEqual(limits.maxSymbolsPerRequest);
  expect((await bystander.subscribe(symbols)).ok).toBe(true);
  bystander.socket.on('frame', () => arrivals.push(performance.now()));
});
afterAll(async () => {
  closeClients();
  await feed.stop();
});

/** The longest pause between the bystander's frames from now until `done` settles. */
async function longestGapDuring(done: Promise<unknown>): Promise<number> {
  const from = arrivals.length;
  await done;
  await sleep(3 * FLUSH_MS);
  const times = arrivals.slice(Math.max(0, from - 1));
  let longest = 0;
  for (let i = 1; i < times.length; i++)
    longest = Math.max(longest, (times[i] as number) - (times[i - 1] as number));
  return longest;
}

const OPENERS: [string, (port: number) => Promise<RawConnection>][] = [
  ['WebSocket', rawWebSocket],
  ['base64 long-polling', rawPolling],
];

describe.each(OPENERS)('over %s', (_, open) => {
  it.each(HOSTILE)('%s closes that connection only', async (name, bytes) => {
    const heapBefore = await feed.heapUsed();
    await feed.longestStall();
    const connection = await open(feed.port);
    const sent = performance.now();
    let closedAfter = 0;
    const episode = (async () => {
      await connection.send([bytes]);
      const closed = await connection.closedByServer(5000);
      closedAfter = performance.now() - sent;
      return closed;
    })();
    const gap = await longestGapDuring(episode);
    const stall = await feed.longestStall();
    expect(await episode).toBe(true);
    connection.close();
    expect(feed.alive()).toBe(true);
    expect(stall).toBeLessThan(MAX_STALL_MS);
    expect(gap).toBeLessThan(MAX_WALL_GAP_MS);
    expect(bystander.socket.connected).toBe(true);
    expect(bystander.mirror.gaps).toEqual([]);
    const heapAfter = await feed.heapUsed();
    expect(heapAfter).toBeLessThan(heapBefore + 10 * 1024 * 1024);
    process.stdout.write(
      `${connection.transport}, ${name}: closed after ${Math.round(closedAfter)} ms, longest server stall ${Math.round(stall)} ms, frame gap ` +
        `${Math.round(gap)} ms, heap ${((heapAfter - heapBefore) / 1024).toFixed(0)} KB\n`,
    );
  });
});
