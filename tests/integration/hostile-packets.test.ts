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
/** The most a bystander's frames may be held up beyond their flush period. */
const MAX_STALL_MS = 250;

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
  it.each(HOSTILE)('%s closes that connection only', async (__, bytes) => {
    const heapBefore = await feed.heapUsed();
    const connection = await open(feed.port);
    const episode = (async () => {
      await connection.send([bytes]);
      return connection.closedByServer(5000);
    })();
    const gap = await longestGapDuring(episode);
    expect(await episode).toBe(true);
    connection.close();
    expect(feed.alive()).toBe(true);
    expect(gap).toBeLessThan(FLUSH_MS + MAX_STALL_MS);
    expect(bystander.socket.connected).toBe(true);
    expect(bystander.mirror.gaps).toEqual([]);
    expect(await feed.heapUsed()).toBeLessThan(heapBefore + 10 * 1024 * 1024);
  });
});
