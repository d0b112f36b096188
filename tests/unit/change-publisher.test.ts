import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../server/logger';
import { MarketState } from '../../server/market/market-state';
import { ChangePublisher } from '../../server/replication/change-publisher';
import { testInstruments } from '../support/arbitraries';
import { ManualClock } from '../support/manual-clock';

/** A Redis whose transactions fail while it is `down`, as ioredis's do without an offline queue. */
function flakyRedis() {
  const state = { down: true, attempts: 0, written: 0 };
  const multi = () => {
    const chain = {
      del: () => chain,
      set: () => chain,
      xadd: () => chain,
      exec: () => {
        state.attempts++;
        if (state.down) return Promise.reject(new Error('Connection is closed.'));
        state.written++;
        return Promise.resolve([]);
      },
    };
    return chain;
  };
  return { redis: { multi } as unknown as Redis, state };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('the change publisher at start', () => {
  it('keeps retrying the first checkpoint while Redis is away, and publishes once it answers', async () => {
    const clock = new ManualClock();
    const { redis, state } = flakyRedis();
    const publisher = new ChangePublisher({
      redis,
      market: new MarketState(testInstruments(['AAA'], 'crypto'), 100),
      clock,
      logger: createLogger('silent'),
      maxLen: 1000,
      checkpointMs: 15_000,
    });
    const started = publisher.start();
    for (let i = 0; i < 6; i++) {
      await settle();
      clock.advance(5000);
    }
    expect(state.attempts).toBeGreaterThan(3);
    expect(publisher.status.connected).toBe(false);

    state.down = false;
    for (let i = 0; i < 3 && state.written === 0; i++) {
      await settle();
      clock.advance(5000);
    }
    await started;
    expect(publisher.status).toMatchObject({ connected: true, checkpoints: 1 });
    publisher.stop();
  });
});
