import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decimalsOf, type Instrument } from '../../lib/instrument';
import { type ApiBar, PROTOCOL_VERSION } from '../../lib/protocol';
import { closeTestFeeds, startTestFeed, type TestFeed } from '../support/test-feed';

let feed: TestFeed;

beforeAll(async () => {
  feed = await startTestFeed();
});
afterAll(closeTestFeeds);

async function get(path: string, init?: RequestInit) {
  const response = await fetch(`${feed.url}${path}`, init);
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

async function candles(query: string): Promise<ApiBar[]> {
  const { status, body } = await get(`/api/candles?${query}`);
  expect(status, query).toBe(200);
  return body.bars as ApiBar[];
}

describe('GET /healthz', () => {
  it('answers 200 with JSON saying the feed is up', async () => {
    const { status, headers, body } = await get('/healthz');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/^application\/json/);
    expect(body).toMatchObject({ status: 'ok', protocol: PROTOCOL_VERSION, symbols: expect.any(Number) });
  });
});

describe('GET /api/symbols', () => {
  it('lists at least 40 instruments with name, asset class, tick size and precision', async () => {
    const { status, body } = await get('/api/symbols');
    expect(status).toBe(200);
    const symbols = body.symbols as Instrument[];
    expect(symbols.length).toBeGreaterThanOrEqual(40);
    for (const instrument of symbols) {
      expect(instrument.name, instrument.symbol).toEqual(expect.any(String));
      expect(['equity', 'crypto', 'fx']).toContain(instrument.assetClass);
      expect(instrument.tickSize, instrument.symbol).toBeGreaterThan(0);
      expect(instrument.precision, instrument.symbol).toBe(decimalsOf(instrument.tickSize));
    }
    expect(new Set(symbols.map((i) => i.assetClass))).toEqual(new Set(['equity', 'crypto', 'fx']));
  });
});

describe('GET /api/candles', () => {
  it('returns the newest bars, ascending, as many as the limit asks for', async () => {
    const bars = await candles('symbol=AAPL&interval=1m&limit=25');
    expect(bars).toHaveLength(25);
    expect(bars.every((bar, i) => i === 0 || bar.time > (bars[i - 1] as ApiBar).time)).toBe(true);
    for (const bar of bars) {
      expect(bar.time % 60).toBe(0);
      expect(bar.low).toBeLessThanOrEqual(Math.min(bar.open, bar.close));
      expect(bar.high).toBeGreaterThanOrEqual(Math.max(bar.open, bar.close));
      expect(bar.volume).toBeGreaterThan(0);
    }
  });

  it('returns 500 bars when no limit is given', async () => {
    expect(await candles('symbol=EURUSD&interval=1h')).toHaveLength(500);
  });

  it('returns the bars just before `before`, excluding it', async () => {
    const window = await candles('symbol=AAPL&interval=1d&limit=40');
    const cut = (window[30] as ApiBar).time;
    const before = await candles(`symbol=AAPL&interval=1d&limit=10&before=${cut}`);
    expect(before).toEqual(window.slice(20, 30));
  });

  it('serves prices in decimals of the instrument’s precision', async () => {
    const { body } = await get('/api/symbols');
    const btc = (body.symbols as Instrument[]).find((i) => i.symbol === 'BTC-USD') as Instrument;
    for (const bar of await candles('symbol=BTC-USD&interval=1m&limit=50')) {
      for (const price of [bar.open, bar.high, bar.low, bar.close]) {
        expect(Number(price.toFixed(btc.precision))).toBe(price);
      }
    }
  });

  it.each([
    ['symbol', 'interval=1m'],
    ['symbol', 'symbol=&interval=1m'],
    ['interval', 'symbol=AAPL'],
    ['interval', 'symbol=AAPL&interval=2m'],
    ['limit', 'symbol=AAPL&interval=1m&limit=abc'],
    ['limit', 'symbol=AAPL&interval=1m&limit=0'],
    ['limit', 'symbol=AAPL&interval=1m&limit=2.5'],
    ['limit', 'symbol=AAPL&interval=1m&limit=100000000'],
    ['before', 'symbol=AAPL&interval=1m&before=yesterday'],
    ['before', 'symbol=AAPL&interval=1m&before=-5'],
  ])('answers 400 naming `%s` for ?%s', async (parameter, query) => {
    const { status, body } = await get(`/api/candles?${query}`);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({
      code: 'INVALID_PARAMETER',
      parameter,
      message: expect.stringContaining(parameter),
    });
  });

  it('answers 404 for an unknown symbol', async () => {
    const { status, body } = await get('/api/candles?symbol=NOPE&interval=1m');
    expect(status).toBe(404);
    expect(body.error).toMatchObject({ code: 'UNKNOWN_SYMBOL', parameter: 'symbol' });
  });
});

describe('other requests', () => {
  it('answers 404 JSON for a path the API does not serve', async () => {
    const { status, body } = await get('/api/nothing-here');
    expect(status).toBe(404);
    expect(body.error).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('answers 405 to a method other than GET', async () => {
    const { status, headers } = await get('/api/symbols', { method: 'POST' });
    expect(status).toBe(405);
    expect(headers.get('allow')).toMatch(/GET/);
  });
});
