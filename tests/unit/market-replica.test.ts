import { describe, expect, it } from 'vitest';
import type { Lots, Ticks, UnixMillis } from '../../lib/nominal';
import {
  changeRow,
  decodeChanges,
  decodeEpochCheckpoint,
  encodeChanges,
  encodeEpochCheckpoint,
} from '../../server/market/change-codec';
import { MarketReplica } from '../../server/market/market-replica';
import { MarketState } from '../../server/market/market-state';
import type { TradeEvent } from '../../server/source/price-source';
import { testInstruments } from '../support/arbitraries';

const START = Date.UTC(2025, 0, 7, 12);

/** A venue's trade: numbered, and several in one millisecond. */
const trade = (ms: number, price: number, tradeId?: number): TradeEvent => ({
  type: 'trade',
  symbol: 'AAA',
  time: (START + ms) as UnixMillis,
  price: price as Ticks,
  size: 1 as Lots,
  ...(tradeId === undefined ? {} : { tradeId }),
});

/** A replica fed as a gateway is: a checkpoint through its bytes, then every change through its bytes. */
function replicate(market: MarketState) {
  const { checkpoint } = decodeEpochCheckpoint(encodeEpochCheckpoint(1, market.checkpoint()));
  const replica = new MarketReplica(checkpoint);
  market.onChange((change) => {
    for (const copy of decodeChanges(encodeChanges([changeRow(change)]))) replica.apply(copy);
  });
  return replica;
}

describe('a market replica', () => {
  it("holds the venue's trade numbers on its bars, from the checkpoint and from the changes after it", () => {
    const market = new MarketState(testInstruments(['AAA'], 'crypto'), 100);
    market.apply(trade(0, 100, 11));
    // Arrived after 11 but numbered before it, in the same millisecond: it is the open, not the close.
    market.apply(trade(0, 101, 10));
    const replica = replicate(market);
    market.apply(trade(5, 102, 13));
    market.apply(trade(5, 99, 12));

    const held = market.checkpoint();
    expect(held.symbols[0]?.tradeIds).toBeDefined();
    expect(replica.checkpoint()).toEqual(held);
    // And it goes on as the market does: a late trade between the open's and the close's times widens the low only.
    market.apply(trade(3, 90, 20));
    expect(replica.checkpoint()).toEqual(market.checkpoint());
  });

  it('carries no trade numbers where the source has none, so the checkpoint is no larger', () => {
    const market = new MarketState(testInstruments(['AAA'], 'crypto'), 100);
    market.apply(trade(0, 100));
    const replica = replicate(market);
    market.apply(trade(5, 101));
    expect(market.checkpoint().symbols[0]).not.toHaveProperty('tradeIds');
    expect(replica.checkpoint()).toEqual(market.checkpoint());
  });
});
