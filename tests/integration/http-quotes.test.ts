import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDefined } from '../../lib/assert';
import { BAR_CSV_COLUMNS } from '../../lib/csv';
import { decimalQuote } from '../../lib/decimals';
import { toPrice } from '../../lib/instrument';
import type { ApiBar, QuotesResponse, SparklinesResponse } from '../../lib/protocol';
import { closeTestFeeds, startTestFeed, type TestFeed } from '../support/test-feed';
import { sleep } from '../support/wait';

/** `GET /api/quotes`, the CSV download of `GET /api/candles` and the OpenAPI description, on a frozen market. */
let feed: TestFeed;

beforeAll(async () => {
  feed = await startTestFeed();
  feed.stopSource();
  await sleep(300);
});
afterAll(closeTestFeeds);

async function get(path: string) {
  const response = await fetch(`${feed.url}${path}`);
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe('GET /api/quotes', () => {
  it('answers the current quote of each symbol in decimals, in the order asked', async () => {
    const { status, text } = await get('/api/quotes?symbols=MSFT,BTC-USD,EURUSD');
    expect(status).toBe(200);
    const body = JSON.parse(text) as QuotesResponse;
    expect(body.quotes.map((q) => q.symbol)).toEqual(['MSFT', 'BTC-USD', 'EURUSD']);
    for (const quote of body.quotes) {
      const instrument = ensureDefined(feed.market.instrument(quote.symbol));
      const held = ensureDefined(feed.market.quote(quote.symbol));
      expect(quote).toEqual({
        symbol: quote.symbol,
        status: 'live',
        source: 'sim',
        ...decimalQuote(held, instrument),
      });
      expect(quote.bid).toBeLessThan(quote.ask);
    }
  });

  it('names every unknown symbol in a 404', async () => {
    const { status, text } = await get('/api/quotes?symbols=AAPL,NOPE,ZZZ');
    expect(status).toBe(404);
    expect(JSON.parse(text)).toEqual({
      error: {
        code: 'UNKNOWN_SYMBOL',
        parameter: 'symbols',
        message: 'unknown symbols NOPE, ZZZ',
        symbols: ['NOPE', 'ZZZ'],
      },
    });
  });

  it('refuses a missing or oversized list with a 400 naming the parameter', async () => {
    for (const query of [
      '',
      '?symbols=',
      `?symbols=${Array.from({ length: 51 }, (_, i) => `S${i}`).join(',')}`,
    ]) {
      const { status, text } = await get(`/api/quotes${query}`);
      expect(status, query).toBe(400);
      expect(JSON.parse(text)).toMatchObject({ error: { code: 'INVALID_PARAMETER', parameter: 'symbols' } });
    }
  });
});

describe('GET /api/sparklines', () => {
  // The market stands at Tuesday 2026-11-24 15:30 UTC (10:30 in New York).
  const series = async (symbols: string) => {
    const { status, text } = await get(`/api/sparklines?symbols=${symbols}`);
    expect(status).toBe(200);
    return JSON.parse(text) as SparklinesResponse;
  };

  it("answers each symbol's session so far, in the order asked, ending at its last price", async () => {
    const body = await series('AAPL,BTC-USD,EURUSD');
    expect(body.interval).toBe('5m');
    expect(body.sparklines.map((s) => s.symbol)).toEqual(['AAPL', 'BTC-USD', 'EURUSD']);
    for (const { symbol, day, closes } of body.sparklines) {
      expect(day, symbol).toBe(Date.parse('2026-11-24T00:00:00Z') / 1000);
      const instrument = ensureDefined(feed.market.instrument(symbol));
      const last = toPrice(ensureDefined(feed.market.quote(symbol)).last, instrument);
      expect(closes.at(-1), symbol).toBe(last);
    }
    const [aapl, btc, eur] = body.sparklines.map((s) => s.closes);
    // AAPL's regular session opened at 14:30 UTC: one close per 5 minutes since, none from the pre-market.
    expect(aapl).toHaveLength(13);
    const opening = feed.market.barsSince('AAPL', '5m', Date.parse('2026-11-24T14:30:00Z') / 1000)[0];
    expect(aapl?.[0]).toBe(
      toPrice(ensureDefined(opening).close, ensureDefined(feed.market.instrument('AAPL'))),
    );
    // Bitcoin's day began at 00:00 UTC and EURUSD's at 17:00 New York the evening before: thinned to 64 points.
    expect(btc).toHaveLength(64);
    expect(eur).toHaveLength(64);
  });

  it('names every unknown symbol in a 404, and refuses a list over 50 symbols', async () => {
    const unknown = await get('/api/sparklines?symbols=AAPL,NOPE');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text)).toMatchObject({ error: { code: 'UNKNOWN_SYMBOL', symbols: ['NOPE'] } });
    const many = Array.from({ length: 51 }, (_, i) => `S${i}`).join(',');
    expect((await get(`/api/sparklines?symbols=${many}`)).status).toBe(400);
  });
});

describe('GET /api/candles?format=csv', () => {
  it('downloads the same bars as the JSON answer, with a header row', async () => {
    const query = 'symbol=ETH-USD&interval=5m&limit=300';
    const json = JSON.parse((await get(`/api/candles?${query}`)).text) as { bars: ApiBar[] };
    const csv = await get(`/api/candles?${query}&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="ETH-USD-5m.csv"');
    const [header, ...rows] = csv.text.trimEnd().split('\r\n');
    expect(header).toBe('time,open,high,low,close,volume');
    expect(rows).toHaveLength(300);
    const parsed = rows.map((row) => {
      const values = row.split(',').map(Number);
      return Object.fromEntries(BAR_CSV_COLUMNS.map((column, i) => [column, values[i]]));
    });
    expect(parsed).toEqual(json.bars);
  });

  it('refuses another format', async () => {
    const { status, text } = await get('/api/candles?symbol=AAPL&interval=1m&format=xml');
    expect(status).toBe(400);
    expect(JSON.parse(text)).toMatchObject({
      error: { parameter: 'format', message: 'format must be json or csv' },
    });
  });
});

describe('GET /api/openapi.json', () => {
  it('is a valid OpenAPI 3.1 description', async () => {
    const { status, text } = await get('/api/openapi.json');
    expect(status).toBe(200);
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(text) as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('lists every route with its parameters and errors', async () => {
    const document = JSON.parse((await get('/api/openapi.json')).text) as {
      paths: Record<
        string,
        { get: { parameters?: { name: string; required: boolean }[]; responses: object } }
      >;
    };
    expect(Object.keys(document.paths).sort()).toEqual([
      '/api/candles',
      '/api/openapi.json',
      '/api/quotes',
      '/api/sparklines',
      '/api/symbols',
      '/healthz',
    ]);
    const candles = document.paths['/api/candles']?.get;
    expect(candles?.parameters?.map((p) => [p.name, p.required])).toEqual([
      ['symbol', true],
      ['interval', true],
      ['limit', false],
      ['before', false],
      ['format', false],
    ]);
    expect(Object.keys(candles?.responses ?? {}).sort()).toEqual([
      '200',
      '400',
      '401',
      '404',
      '405',
      '429',
      '500',
    ]);
    const quotes = document.paths['/api/quotes']?.get;
    expect(quotes?.parameters?.map((p) => [p.name, p.required])).toEqual([['symbols', true]]);
    expect(Object.keys(quotes?.responses ?? {}).sort()).toEqual([
      '200',
      '400',
      '401',
      '404',
      '405',
      '429',
      '500',
    ]);
    // Every route the server answers is described: each one described answers 200.
    for (const path of Object.keys(document.paths)) {
      const query =
        path === '/api/quotes' || path === '/api/sparklines'
          ? '?symbols=AAPL'
          : path === '/api/candles'
            ? '?symbol=AAPL&interval=1m'
            : '';
      expect((await get(`${path}${query}`)).status, path).toBe(200);
    }
  });
});
