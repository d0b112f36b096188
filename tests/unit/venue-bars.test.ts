import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bar } from '../../lib/candles';
import { unitsOf } from '../../lib/decimal';
import type { Interval } from '../../lib/intervals';
import type { Lots, Ticks, UnixMillis, UnixSeconds } from '../../lib/nominal';
import { binance } from '../../server/source/binance';
import { coinbase } from '../../server/source/coinbase';
import { barsBefore } from '../../server/source/relay/venue-bars';
import type { VenueBar } from '../../server/source/relay/venue';
import { FakeBinance } from '../support/fake-binance';
import { FakeCoinbase } from '../support/fake-coinbase';

const START = Date.UTC(2025, 0, 6, 10, 0, 0);
const fakeBinance = new FakeBinance({
  BTCUSDT: { tickStep: '0.01', lotStep: '0.001', base: 'BTC', quote: 'USDT' },
});
const fakeCoinbase = new FakeCoinbase({
  'BTC-USD': { tickStep: '0.01', lotStep: '0.001', base: 'BTC', quote: 'USD' },
});

beforeAll(async () => {
  await Promise.all([fakeBinance.start(), fakeCoinbase.start()]);
  // A trade every 700 ms for an hour: 3600 1s bars, 60 1m bars.
  for (let i = 0; i < 5143; i++) {
    const trade = { price: 9_600_000 + (i % 97), size: 1 + (i % 13), time: START + i * 700 };
    fakeBinance.trade('BTCUSDT', trade, false);
    fakeCoinbase.trade('BTC-USD', trade, false);
  }
});

afterAll(async () => {
  await Promise.all([fakeBinance.close(), fakeCoinbase.close()]);
});

const inUnits = (bars: readonly VenueBar[]): Bar[] =>
  bars.map((bar) => ({
    time: bar.time,
    open: unitsOf(bar.open, '0.01') as Ticks,
    high: unitsOf(bar.high, '0.01') as Ticks,
    low: unitsOf(bar.low, '0.01') as Ticks,
    close: unitsOf(bar.close, '0.01') as Ticks,
    volume: unitsOf(bar.volume, '0.001') as Lots,
  }));

describe('venue bars over REST', () => {
  it('pages Binance klines backwards with endTime past 1000 a request, with no hole and no repeat', async () => {
    const venue = binance({ wsUrl: fakeBinance.wsUrl, restUrl: fakeBinance.httpUrl });
    const from = (START + 100_000) as UnixMillis;
    const to = (START + 3_000_000) as UnixMillis;
    const bars = await venue.bars('BTCUSDT', '1s', from, to);
    const expected = fakeBinance
      .expectedBars('BTCUSDT', '1s')
      .filter((bar) => bar.time * 1000 >= from && bar.time * 1000 < to);
    expect(expected.length).toBeGreaterThan(2000);
    expect(inUnits(bars)).toEqual(expected);
  });

  it('pages Coinbase candles forward at 300 a request, oldest first, from JSON numbers exactly', async () => {
    const venue = coinbase({ wsUrl: fakeCoinbase.wsUrl, restUrl: fakeCoinbase.httpUrl });
    const from = START as UnixMillis;
    const to = (START + 3_600_000) as UnixMillis;
    for (const interval of ['1m', '5m'] as Interval[]) {
      const bars = await venue.bars('BTC-USD', interval, from, to);
      expect(inUnits(bars), interval).toEqual(fakeCoinbase.expectedBars('BTC-USD', interval));
    }
  });
});

const bar = (time: number, open: number, high: number, low: number, close: number, volume: number): Bar => ({
  time: time as UnixSeconds,
  open: open as Ticks,
  high: high as Ticks,
  low: low as Ticks,
  close: close as Ticks,
  volume: volume as Lots,
});

describe('the bars before a cut', () => {
  it('keeps the bars that ended by the cut and tiles the one across it from the shorter interval', () => {
    // Cut at 10:02:30: the 1m bars of 10:00 and 10:01 are whole; the 5m bar of 10:00 is them plus 10:02's first half,
    // which the 1s bars give.
    const t = Date.UTC(2025, 0, 6, 10, 0, 0) / 1000;
    const venue = new Map<Interval, Bar[]>([
      [
        '1s',
        [bar(t + 120, 10, 12, 9, 11, 1), bar(t + 149, 11, 15, 11, 14, 2), bar(t + 150, 14, 14, 1, 1, 50)],
      ],
      ['1m', [bar(t, 5, 8, 4, 6, 3), bar(t + 60, 6, 9, 6, 7, 4), bar(t + 120, 10, 15, 1, 1, 53)]],
      ['5m', [bar(t, 5, 15, 1, 1, 60)]],
    ]);
    const before = barsBefore(venue, ['1s', '1m', '5m'], ((t + 150) * 1000) as UnixMillis);
    expect(before.get('1s')).toEqual([bar(t + 120, 10, 12, 9, 11, 1), bar(t + 149, 11, 15, 11, 14, 2)]);
    expect(before.get('1m')).toEqual([
      bar(t, 5, 8, 4, 6, 3),
      bar(t + 60, 6, 9, 6, 7, 4),
      bar(t + 120, 10, 15, 9, 14, 3),
    ]);
    expect(before.get('5m')).toEqual([bar(t, 5, 15, 4, 14, 10)]);
  });
});
