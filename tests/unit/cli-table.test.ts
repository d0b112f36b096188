import { describe, expect, it } from 'vitest';
import type { LiveQuote } from '@tickerboard/client';
import { decimalQuote } from '../../lib/decimals';
import type { Instrument } from '../../lib/instrument';
import type { Lots, Ticks, UnixMillis } from '../../lib/nominal';
import type { Quote } from '../../lib/quote';
import { NO_COLOURS, renderTable } from '../../cli/table';

const btc: Instrument = {
  symbol: 'BTC-USD',
  name: 'Bitcoin',
  assetClass: 'crypto',
  tickSize: 0.01,
  precision: 2,
  lotSize: 0.00001,
  sizePrecision: 5,
  currency: 'USD',
};

function live(ticks: Partial<Quote>, status: LiveQuote['status'] = 'live'): LiveQuote {
  const quote = {
    last: 9_700_000 as Ticks,
    bid: 9_699_990 as Ticks,
    ask: 9_700_010 as Ticks,
    open: 9_600_000 as Ticks,
    high: 9_800_000 as Ticks,
    low: 9_500_000 as Ticks,
    prevClose: 9_600_000 as Ticks,
    volume: 123_456_789 as Lots,
    time: 1 as UnixMillis,
    ...ticks,
  };
  return {
    symbol: 'BTC-USD',
    instrument: btc,
    seq: 1,
    ticks: quote,
    stale: false,
    status,
    source: 'sim',
    ...decimalQuote(quote, btc),
  };
}

describe('the watch table', () => {
  it('shows a row per symbol with its price, change, book, volume and arrow, then the state', () => {
    const lines = renderTable([{ symbol: 'BTC-USD', quote: live({}), direction: 'up' }], 'live', NO_COLOURS);
    expect(lines[0]).toMatch(/^SYMBOL +LAST +CHG % +BID +ASK +VOLUME +STATUS$/);
    expect(lines[1]).toMatch(/^BTC-USD +▲ +97000\.00 +\+1\.04% +96999\.90 +97000\.10 +1\.23K +live$/);
    expect(lines[2]).toBe('live · q quits');
  });

  it('shows a dash for a side the source does not quote, and the status of a stale symbol', () => {
    const [, row] = renderTable(
      [{ symbol: 'BTC-USD', quote: live({ bid: 0 as Ticks, ask: 0 as Ticks }, 'stale'), direction: 'down' }],
      'live',
      NO_COLOURS,
    );
    expect(row).toMatch(/^BTC-USD +▼ +97000\.00 +\+1\.04% +— +— +1\.23K +stale$/);
  });

  it('marks a symbol with no quote yet', () => {
    const [, row] = renderTable(
      [{ symbol: 'AAPL', quote: undefined, direction: undefined }],
      'subscribing',
      NO_COLOURS,
    );
    expect(row?.trim()).toBe('AAPL       …');
  });
});
