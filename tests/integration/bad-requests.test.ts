import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encode } from 'notepack.io';
import { SocketIoClient } from '../../bench/load/socket-io-client';
import type { ErrorCode, Frame, Refused } from '../../lib/protocol';
import { closeClients, connectClient, type FeedClient } from '../support/feed-client';
import { closeTestFeeds, startTestFeed, type TestFeed } from '../support/test-feed';
import { sleep, waitFor } from '../support/wait';

/** Small, so that the per-connection cap is reachable with real symbols. */
const MAX_SUBSCRIPTIONS = 5;
const HELD = ['BTC-USD', 'ETH-USD'];
/** Never subscribed by `first`: unsubscribing it changes nothing and reports what the connection holds. */
const PROBE = 'KO';

let feed: TestFeed;
/** The client that sends the bad requests; it keeps HELD throughout. */
let first: FeedClient;
/** A bystander, which must keep receiving frames whatever `first` sends. */
let second: FeedClient;

beforeAll(async () => {
  feed = await startTestFeed({ MAX_SUBSCRIPTIONS });
  first = connectClient(feed);
  second = connectClient(feed);
  expect((await first.subscribe(HELD)).ok).toBe(true);
  expect((await second.subscribe(['BTC-USD', 'AAPL'])).ok).toBe(true);
});
afterAll(async () => {
  closeClients();
  await closeTestFeeds();
});

function refusal(ack: unknown): Refused['error'] {
  expect(ack).toMatchObject({ ok: false, error: { code: expect.any(String), message: expect.any(String) } });
  return (ack as Refused).error;
}

/** What `first` holds, as the server says: an unsubscribe of a symbol it does not hold answers with that. */
async function held(): Promise<string[]> {
  const ack = await first.unsubscribe([PROBE]);
  if (!ack.ok) throw new Error(`probe refused: ${ack.error.code}`);
  return ack.symbols.sort();
}

const carries = (symbol: string) => (frame: Frame) => frame.q?.some(([s]) => s === symbol) ?? false;

describe('a bad request', () => {
  let framesBefore = 0;

  beforeEach(() => {
    framesBefore = second.frames.length;
  });

  /** After each refusal: nothing joined, the other client still served, and this one's stream intact. */
  async function expectNothingChanged(): Promise<void> {
    expect(await held()).toEqual([...HELD].sort());
    await second.nextFrame(3000, carries('BTC-USD'));
    expect(second.frames.length).toBeGreaterThan(framesBefore);
    await first.nextFrame(3000, carries('BTC-USD'));
    for (const client of [first, second]) {
      expect(client.mirror.seqSteps).toEqual([]);
      expect(client.mirror.gaps).toEqual([]);
      expect(client.mirror.strays).toEqual([]);
    }
  }

  it('for an unknown symbol is refused as UNKNOWN_SYMBOL listing it, and joins none of the request', async () => {
    const error = refusal(await first.emitWithAck('subscribe', { symbols: ['AAPL', 'NOPE', 'ZZZZ'] }));
    expect(error.code).toBe('UNKNOWN_SYMBOL');
    expect(error.symbols?.sort()).toEqual(['NOPE', 'ZZZZ']);
    await expectNothingChanged();
  });

  it.each([
    ['symbols as a string', [{ symbols: 'AAPL' }]],
    ['a number', [42]],
    ['no payload at all', []],
    ['an empty symbol list', [{ symbols: [] }]],
    ['an unexpected field', [{ symbols: ['AAPL'], all: true }]],
  ])('with %s is refused as INVALID_REQUEST', async (_, args) => {
    const error = refusal(await first.emitWithAck('subscribe', ...args));
    expect(error.code).toBe('INVALID_REQUEST');
    await expectNothingChanged();
  });

  it('for a candle stream at an unknown interval is refused as INVALID_REQUEST naming the interval', async () => {
    const error = refusal(await first.emitWithAck('subscribeCandles', { symbol: 'AAPL', interval: '2m' }));
    expect(error).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/interval/) });
    await expectNothingChanged();
  });

  it('with more than 50 symbols in one request is refused as TOO_MANY_SYMBOLS', async () => {
    const symbols = Array.from({ length: 51 }, (_, i) => `SYM${i}`);
    expect(refusal(await first.emitWithAck('subscribe', { symbols })).code).toBe<ErrorCode>(
      'TOO_MANY_SYMBOLS',
    );
    await expectNothingChanged();
  });

  it('going over the per-connection cap is refused as TOO_MANY_SYMBOLS, and adds none of its symbols', async () => {
    const over = ['AAPL', 'MSFT', 'NVDA', 'AMZN'];
    expect(HELD.length + over.length).toBeGreaterThan(MAX_SUBSCRIPTIONS);
    expect(refusal(await first.emitWithAck('subscribe', { symbols: over })).code).toBe<ErrorCode>(
      'TOO_MANY_SYMBOLS',
    );
    await expectNothingChanged();
  });

  it('over the candle stream cap is refused as TOO_MANY_SYMBOLS', async () => {
    const client = connectClient(feed);
    const intervals = ['1s', '1m', '5m', '15m'] as const;
    for (const interval of intervals) {
      expect((await client.subscribeCandles({ symbol: 'AAPL', interval, limit: 1 })).ok).toBe(true);
    }
    expect(
      refusal(await client.emitWithAck('subscribeCandles', { symbol: 'AAPL', interval: '1h' })).code,
    ).toBe('TOO_MANY_SYMBOLS');
    // Asking again for a stream already held is not a new stream.
    expect((await client.subscribeCandles({ symbol: 'AAPL', interval: '1m', limit: 1 })).ok).toBe(true);
    await expectNothingChanged();
  });

  it('larger than the request limit (but under the transport limit) is refused as PAYLOAD_TOO_LARGE', async () => {
    const error = refusal(
      await first.emitWithAck('subscribe', { symbols: ['AAPL'], junk: 'x'.repeat(10_000) }),
    );
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(first.socket.connected).toBe(true);
    await expectNothingChanged();
  });

  it('one past the rate limit’s burst is refused as RATE_LIMITED at most, and the connection recovers', async () => {
    const client = connectClient(feed);
    const { limits } = await client.hello;
    // One over the burst: a second refusal in a row would disconnect (tests/integration/socket-abuse.test.ts).
    const burst = limits.requestsPerSecond * 2 + 1;
    const acks = await Promise.all(
      Array.from({ length: burst }, () => client.emitWithAck('subscribe', { symbols: ['AAPL'] })),
    );
    const codes = acks.map((ack) => ((ack as { ok: boolean }).ok ? 'ok' : refusal(ack).code));
    // A fresh bucket grants a burst of twice the rate at once, then refuses (unless a token refilled meanwhile: the
    // refusal itself is pinned with a clock that stands still in tests/integration/socket-abuse.test.ts).
    expect(codes.slice(0, limits.requestsPerSecond * 2).every((code) => code === 'ok')).toBe(true);
    expect(['ok', 'RATE_LIMITED']).toContain(codes.at(-1));

    await sleep(2000 / limits.requestsPerSecond);
    expect((await client.subscribe(['ETH-USD'])).ok).toBe(true);
    await expectNothingChanged();
  });

  it.each([
    ['bytes that are not MessagePack', Buffer.from([0xc1, 0x00])],
    ['an array header claiming four billion elements', Buffer.from([0xdd, 0xff, 0xff, 0xff, 0xff])],
    ['a packet of an unknown type', encode({ type: 9, nsp: '/', data: ['subscribe', {}] })],
    ['an event that is not an array', encode({ type: 2, nsp: '/', data: { symbols: ['AAPL'] } })],
    ['JSON text, as the default parser would send', '42["subscribe",{"symbols":["AAPL"]}]'],
  ])('that is not a Socket.IO packet (%s) closes only its own connection', async (_, packet) => {
    const raw = new SocketIoClient(feed.port, () => {}, 'msgpack');
    await raw.connected;
    raw.connection.send(packet);
    await waitFor(() => raw.connection.dropped, 5000, 'the server to close the connection');
    raw.close();
    await expectNothingChanged();
  });

  it('leaves the connection usable for good requests afterwards', async () => {
    const ack = await first.subscribe(['AAPL']);
    expect(ack.ok && ack.symbols.sort()).toEqual([...HELD, 'AAPL'].sort());
    expect((await first.unsubscribe(['AAPL'])).ok).toBe(true);
    await expectNothingChanged();
  });
});
