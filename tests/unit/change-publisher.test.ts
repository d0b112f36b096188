import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { Lots, Ticks, UnixMillis } from '../../lib/nominal';
import { createLogger } from '../../server/logger';
import { decodeEpochCheckpoint } from '../../server/market/change-codec';
import { MarketState } from '../../server/market/market-state';
import { ChangePublisher, type PublisherRedis } from '../../server/replication/change-publisher';
import { KEYS } from '../../server/replication/redis';
import { createBackoff } from '../../server/source/relay/backoff';
import { testInstruments } from '../support/arbitraries';
import { DEFAULT_START, ManualClock } from '../support/manual-clock';

type Command = [name: string, ...args: unknown[]];

/**
 * A Redis connection as ioredis without an offline queue is one: `status` says whether it is up, `ready` is
 * emitted when it comes up, and a transaction fails at once while it is `down` (or `refusing` answers every
 * attempt with an error). With `silent` set it takes writes and never answers them.
 */
function fakeRedis() {
  const events = new EventEmitter();
  const state = {
    status: 'connecting',
    refusing: false,
    silent: false,
    attempts: 0,
    /** Transactions Redis executed, each as its commands. */
    written: [] as Command[][],
  };
  const multi = () => {
    const commands: Command[] = [];
    const chain = {
      del: (...args: unknown[]) => (commands.push(['del', ...args]), chain),
      set: (...args: unknown[]) => (commands.push(['set', ...args]), chain),
      xadd: (...args: unknown[]) => (commands.push(['xadd', ...args]), chain),
      exec: () => {
        state.attempts++;
        if (state.status !== 'ready') return Promise.reject(new Error("Stream isn't writeable"));
        if (state.refusing)
          return Promise.reject(new Error('LOADING Redis is loading the dataset in memory'));
        if (state.silent) return new Promise(() => {});
        state.written.push(commands);
        return Promise.resolve(commands.map(() => [null, 'OK']));
      },
    };
    return chain;
  };
  const redis = {
    multi,
    get status() {
      return state.status;
    },
    on: (event: string, listener: () => void) => events.on(event, listener),
    off: (event: string, listener: () => void) => events.off(event, listener),
  } as unknown as PublisherRedis;
  return {
    redis,
    state,
    up() {
      state.status = 'ready';
      events.emit('ready');
    },
    down() {
      state.status = 'reconnecting';
    },
  };
}

/** Lets the writes' promises settle between steps of the clock. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

async function advance(clock: ManualClock, ms: number, step = 50): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    clock.advance(step);
    await settle();
  }
}

const trade = (clock: ManualClock, price: number) => ({
  type: 'trade' as const,
  symbol: 'AAA',
  time: clock.now() as UnixMillis,
  price: price as Ticks,
  size: 1 as Lots,
  bid: (price - 1) as Ticks,
  ask: (price + 1) as Ticks,
});

function setUp(options: { maxInFlight?: number } = {}) {
  const clock = new ManualClock();
  const fake = fakeRedis();
  const market = new MarketState(testInstruments(['AAA'], 'crypto'), 100);
  const publisher = new ChangePublisher({
    redis: fake.redis,
    market,
    clock,
    logger: createLogger('silent'),
    maxLen: 1000,
    checkpointMs: 15_000,
    backoff: createBackoff({ minMs: 250, maxMs: 5000, random: () => 0.5 }),
    ...options,
  });
  /** The market trades `n` times, 20 ms apart. */
  const trades = async (n: number) => {
    for (let i = 0; i < n; i++) {
      market.apply(trade(clock, 100 + (i % 7)));
      await advance(clock, 20, 20);
    }
  };
  return { clock, fake, market, publisher, trades };
}

const checkpoints = (written: Command[][]) =>
  written.filter((commands) => commands.some(([name, key]) => name === 'set' && key === KEYS.checkpoint));

describe('the change publisher', () => {
  it('starts with Redis away and writes its first checkpoint, deleting the old stream, the moment Redis is ready', async () => {
    const { clock, fake, market, publisher, trades } = setUp();
    let published = false;
    void publisher.published().then(() => (published = true));
    publisher.start();
    const from = market.position;
    await trades(50);
    // Nothing is even tried while the connection is down: no checkpoint is encoded for nothing.
    expect(fake.state.attempts).toBe(0);
    expect(publisher.status).toMatchObject({
      connected: false,
      checkpoints: 0,
      dropped: market.position - from,
    });

    fake.up();
    await advance(clock, 10, 1);
    expect(published).toBe(true);
    const [first] = fake.state.written;
    expect(first?.map(([name, key]) => [name, key])).toEqual([
      ['del', KEYS.changes],
      ['set', KEYS.checkpoint],
      ['set', KEYS.checkpointAt],
    ]);
    expect(first?.[2]?.[2]).toBe(`${DEFAULT_START}-${market.position}`);
    // The whole market as it stands, with the epoch gateways tell restarts apart by.
    expect(decodeEpochCheckpoint(first?.[1]?.[2] as Buffer)).toEqual({
      epoch: DEFAULT_START,
      checkpoint: market.checkpoint(),
    });
    expect(publisher.status).toMatchObject({ connected: true, checkpoints: 1, published: market.position });
    publisher.stop();
  });

  it('keeps retrying the first checkpoint with backoff while Redis refuses it, and publishes once it answers', async () => {
    const { clock, fake, publisher } = setUp();
    fake.state.refusing = true;
    fake.up();
    publisher.start();
    await advance(clock, 20_000);
    // 125, 250, 500, 1000, 2000 and then 2500 ms apart (half of each cap): about a dozen attempts in 20 s, not one per flush.
    expect(fake.state.attempts).toBeGreaterThan(5);
    expect(fake.state.attempts).toBeLessThan(15);
    expect(publisher.status.connected).toBe(false);

    fake.state.refusing = false;
    await advance(clock, 5000);
    await publisher.published();
    expect(publisher.status).toMatchObject({ connected: true, checkpoints: 1 });
    publisher.stop();
  });

  it('drops the changes made while Redis is away, and covers them with a checkpoint as soon as it is back', async () => {
    const { clock, fake, market, publisher, trades } = setUp();
    fake.up();
    publisher.start();
    await trades(10);
    const before = fake.state.written.length;
    expect(checkpoints(fake.state.written)).toHaveLength(1);

    fake.down();
    const from = market.position;
    await trades(100);
    expect(fake.state.written).toHaveLength(before);
    expect(publisher.status).toMatchObject({
      connected: false,
      dropped: market.position - from,
      inFlight: 0,
    });

    fake.up();
    await advance(clock, 10, 1);
    const back = fake.state.written.slice(before);
    expect(checkpoints(back)).toHaveLength(1);
    expect(back[0]?.find(([, key]) => key === KEYS.checkpointAt)?.[2]).toMatch(
      new RegExp(`^\\d+-${market.position}$`),
    );
    expect(publisher.status).toMatchObject({ connected: true, published: market.position });

    // And it goes on publishing the changes that follow, one entry per batch, without another checkpoint.
    await trades(5);
    expect(checkpoints(fake.state.written.slice(before))).toHaveLength(1);
    expect(fake.state.written.at(-1)?.[0]?.[0]).toBe('xadd');
    expect(publisher.status.published).toBe(market.position);
    publisher.stop();
  });

  it('holds a bounded number of writes in flight when Redis stops answering, dropping the rest', async () => {
    const { fake, publisher, trades } = setUp({ maxInFlight: 8 });
    fake.up();
    publisher.start();
    await trades(3);
    fake.state.silent = true;
    await trades(200);
    expect(publisher.status.inFlight).toBe(8);
    expect(publisher.status.dropped).toBeGreaterThan(150);
    publisher.stop();
  });
});
