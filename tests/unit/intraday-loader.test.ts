import { describe, expect, it } from 'vitest';
import { INTRADAY_BATCH, loadIntraday } from '../../components/store/intraday-loader';
import { createMarketStore } from '../../components/store/market-store';
import type { SparklinesResponse } from '../../lib/protocol';
import { CATALOGUE, publicInstrument, syntheticCatalogue } from '../../server/source/catalogue';

/** A fake `GET /api/sparklines` that records each request and answers closes 1, 2, 3 (decimals) per symbol. */
function fakeApi() {
  const requests: string[][] = [];
  const pending: (() => void)[] = [];
  const fetchSeries = (symbols: readonly string[]) => {
    requests.push([...symbols]);
    return new Promise<SparklinesResponse>((resolve) => {
      pending.push(() =>
        resolve({
          interval: '5m',
          sparklines: symbols.map((symbol) => ({ symbol, day: 0, closes: [1, 2, 3] })),
        }),
      );
    });
  };
  const answerAll = async () => {
    for (const answer of pending.splice(0)) answer();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { requests, fetchSeries, answerAll };
}

const errors: string[] = [];
const onError = (message: string) => errors.push(message);

describe('the intraday loader', () => {
  it("asks for a hundred rows' series in two requests, and holds them in ticks", async () => {
    const catalogue = [...CATALOGUE, ...syntheticCatalogue(100, 1)].map(publicInstrument);
    const symbols = catalogue.slice(0, 100).map((i) => i.symbol);
    const market = createMarketStore({ watchlist: symbols });
    market.getState().setInstruments(catalogue);
    const api = fakeApi();
    const stop = loadIntraday(market, { fetchSeries: api.fetchSeries, onError });

    expect(api.requests.map((r) => r.length)).toEqual([INTRADAY_BATCH, 100 - INTRADAY_BATCH]);
    expect(api.requests.flat()).toEqual(symbols);
    await api.answerAll();
    const aapl = market.getState().intraday.AAPL;
    const tick = market.getState().instruments.AAPL?.tickSize ?? NaN;
    expect(aapl).toEqual([1, 2, 3].map((price) => Math.round(price / tick)));
    expect(Object.keys(market.getState().intraday)).toHaveLength(100);
    stop();
  });

  it('asks only for symbols that join the board, waits for their instruments, and drops those that leave', async () => {
    const market = createMarketStore({ watchlist: ['AAPL', 'MSFT'] });
    const api = fakeApi();
    const stop = loadIntraday(market, { fetchSeries: api.fetchSeries, onError });
    expect(api.requests).toEqual([]);

    market.getState().setInstruments(CATALOGUE.map(publicInstrument));
    expect(api.requests).toEqual([['AAPL', 'MSFT']]);
    await api.answerAll();

    market.setState({ watchlist: ['AAPL', 'MSFT', 'BTC-USD'] });
    expect(api.requests.at(-1)).toEqual(['BTC-USD']);
    await api.answerAll();
    market.setState({ watchlist: ['BTC-USD'] });
    expect(Object.keys(market.getState().intraday)).toEqual(['BTC-USD']);
    expect(api.requests).toHaveLength(2);
    stop();
  });

  it('says what failed and asks again on the next board change', async () => {
    const market = createMarketStore({ watchlist: ['AAPL'] });
    market.getState().setInstruments(CATALOGUE.map(publicInstrument));
    const failures: string[] = [];
    let calls = 0;
    const stop = loadIntraday(market, {
      fetchSeries: () => {
        calls += 1;
        return Promise.reject(new Error('more than 10000 bars a second'));
      },
      onError: (message) => failures.push(message),
    });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(failures).toEqual(['intraday history: more than 10000 bars a second']);
    market.setState({ watchlist: ['AAPL', 'MSFT'] });
    expect(calls).toBe(2);
    stop();
  });

  it('asks for every series again when the feed is live again after an outage, not on the first connection', async () => {
    const market = createMarketStore({ watchlist: ['AAPL', 'MSFT'] });
    market.getState().setInstruments(CATALOGUE.map(publicInstrument));
    const api = fakeApi();
    const stop = loadIntraday(market, { fetchSeries: api.fetchSeries, onError });
    await api.answerAll();
    market.getState().setStatus('live');
    expect(api.requests).toEqual([['AAPL', 'MSFT']]);

    market.getState().setStatus('reconnecting');
    market.getState().setStatus('live');
    expect(api.requests).toEqual([
      ['AAPL', 'MSFT'],
      ['AAPL', 'MSFT'],
    ]);
    stop();
  });
});
