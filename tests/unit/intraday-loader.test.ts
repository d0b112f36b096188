import { describe, expect, it } from 'vitest';
import { INTRADAY_BATCH, loadIntraday, NEW_DAY_ASKS } from '../../components/store/intraday-loader';
import { createMarketStore } from '../../components/store/market-store';
import type { SparklinesResponse } from '../../lib/protocol';
import { CATALOGUE, publicInstrument, syntheticCatalogue } from '../../server/source/catalogue';
import { ManualClock } from '../support/manual-clock';

const dayOf = (date: string) => Date.parse(`${date}T00:00:00Z`) / 1000;

/**
 * A fake `GET /api/sparklines` that records each request and answers closes 1, 2, 3 (decimals) per symbol, of
 * the trading day `days[symbol]` (TUESDAY unless set).
 */
function fakeApi() {
  const requests: string[][] = [];
  const pending: (() => void)[] = [];
  const days: Record<string, number | null> = {};
  const fetchSeries = (symbols: readonly string[]) => {
    requests.push([...symbols]);
    return new Promise<SparklinesResponse>((resolve) => {
      pending.push(() =>
        resolve({
          interval: '5m',
          sparklines: symbols.map((symbol) => {
            const day = symbol in days ? (days[symbol] ?? null) : TUESDAY;
            return { symbol, day, closes: day === null ? [] : [1, 2, 3] };
          }),
        }),
      );
    });
  };
  const answerAll = async () => {
    for (const answer of pending.splice(0)) answer();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  /** Answers request `index` (in the order asked) alone. */
  const answer = async (index: number) => {
    pending[index]?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { requests, days, fetchSeries, answerAll, answer };
}

const TUESDAY = dayOf('2026-11-24');
const WEDNESDAY = dayOf('2026-11-25');
const MINUTE = 60_000;
const instruments = CATALOGUE.map(publicInstrument);

/**
 * A board of `symbols` with the page's clock at `iso` and the server's `offsetMs` from it, its series loaded
 * (of the trading day `days[symbol]`, TUESDAY unless set).
 */
async function board(symbols: string[], iso: string, offsetMs = 0, days: Record<string, number> = {}) {
  const clock = new ManualClock(Date.parse(iso));
  const market = createMarketStore({ watchlist: symbols, serverOffsetMs: offsetMs });
  market.getState().setInstruments(instruments);
  const api = fakeApi();
  Object.assign(api.days, days);
  const stop = loadIntraday(market, { fetchSeries: api.fetchSeries, onError, clock });
  await api.answerAll();
  const dayShown = (symbol: string) => market.getState().intraday[symbol]?.day;
  const closesShown = (symbol: string) => market.getState().intraday[symbol]?.closes;
  return { clock, market, api, stop, dayShown, closesShown };
}

/** Tuesday 10:00 New York, in the day the fake API answers for. */
const tuesdayClock = () => new ManualClock(Date.parse('2026-11-24T15:00:00Z'));

const errors: string[] = [];
const onError = (message: string) => errors.push(message);

describe('the intraday loader', () => {
  it("asks for a hundred rows' series in two requests, and holds them in ticks", async () => {
    const catalogue = [...CATALOGUE, ...syntheticCatalogue(100, 1)].map(publicInstrument);
    const symbols = catalogue.slice(0, 100).map((i) => i.symbol);
    const market = createMarketStore({ watchlist: symbols });
    market.getState().setInstruments(catalogue);
    const api = fakeApi();
    const stop = loadIntraday(market, { fetchSeries: api.fetchSeries, onError, clock: tuesdayClock() });

    expect(api.requests.map((r) => r.length)).toEqual([INTRADAY_BATCH, 100 - INTRADAY_BATCH]);
    expect(api.requests.flat()).toEqual(symbols);
    await api.answerAll();
    const aapl = market.getState().intraday.AAPL;
    const tick = market.getState().instruments.AAPL?.tickSize ?? NaN;
    expect(aapl).toEqual({ day: TUESDAY, closes: [1, 2, 3].map((price) => Math.round(price / tick)) });
    expect(Object.keys(market.getState().intraday)).toHaveLength(100);
    stop();
  });

  it('asks only for symbols that join the board, waits for their instruments, and drops those that leave', async () => {
    const market = createMarketStore({ watchlist: ['AAPL', 'MSFT'] });
    const api = fakeApi();
    const stop = loadIntraday(market, { fetchSeries: api.fetchSeries, onError, clock: tuesdayClock() });
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
      clock: tuesdayClock(),
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
    const stop = loadIntraday(market, { fetchSeries: api.fetchSeries, onError, clock: tuesdayClock() });
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

describe("the intraday loader at a trading day's boundary", () => {
  it("starts a crypto row empty at 00:00 UTC and asks for that row's new day only", async () => {
    // Tuesday 18:58 in New York: AAPL's day is over, Bitcoin's ends at midnight UTC.
    const { clock, api, stop, dayShown, closesShown } = await board(
      ['AAPL', 'BTC-USD'],
      '2026-11-24T23:58:30Z',
    );
    expect(api.requests).toEqual([['AAPL', 'BTC-USD']]);

    clock.advance(MINUTE);
    expect(api.requests).toHaveLength(1);
    expect(dayShown('BTC-USD')).toBe(TUESDAY);

    clock.advance(MINUTE);
    expect(dayShown('BTC-USD')).toBe(WEDNESDAY);
    expect(closesShown('BTC-USD')).toEqual([]);
    expect(dayShown('AAPL')).toBe(TUESDAY);
    expect(api.requests.at(-1)).toEqual(['BTC-USD']);

    api.days['BTC-USD'] = WEDNESDAY;
    await api.answerAll();
    expect(dayShown('BTC-USD')).toBe(WEDNESDAY);
    expect(closesShown('BTC-USD')).toHaveLength(3);
    clock.advance(30 * MINUTE);
    expect(api.requests).toHaveLength(2);
    stop();
  });

  it("starts an equity's day at the regular open, not in the pre-market, and skips the weekend", async () => {
    // Friday 4 December 2026, 15:00 in New York.
    const { clock, api, stop, dayShown } = await board(['AAPL'], '2026-12-04T20:00:00Z', 0, {
      AAPL: dayOf('2026-12-04'),
    });
    // To Monday 09:29 in New York: the close, the night, the weekend and the pre-market ask for nothing.
    clock.advance(Date.parse('2026-12-07T14:29:30Z') - clock.now());
    expect(api.requests).toHaveLength(1);
    expect(dayShown('AAPL')).toBe(dayOf('2026-12-04'));

    clock.advance(MINUTE);
    expect(dayShown('AAPL')).toBe(dayOf('2026-12-07'));
    expect(api.requests).toEqual([['AAPL'], ['AAPL']]);
    stop();
  });

  it(`keeps the new day empty while the server still answers the day before, asking ${NEW_DAY_ASKS} times at most`, async () => {
    const { clock, api, stop, dayShown, closesShown } = await board(['BTC-USD'], '2026-11-24T23:59:30Z');
    clock.advance(MINUTE);
    for (let ask = 1; ask <= NEW_DAY_ASKS; ask++) {
      expect(api.requests).toHaveLength(1 + ask);
      await api.answerAll();
      expect(dayShown('BTC-USD')).toBe(WEDNESDAY);
      expect(closesShown('BTC-USD')).toEqual([]);
      clock.advance(MINUTE);
    }
    clock.advance(10 * MINUTE);
    expect(api.requests).toHaveLength(1 + NEW_DAY_ASKS);
    stop();
  });

  it("reads the day at the server's time, not the browser's", async () => {
    // The browser's clock says Tuesday noon UTC; the server's (a simulated market) is a minute before midnight.
    const serverStart = Date.parse('2026-11-24T23:59:30Z');
    const browserStart = Date.parse('2026-11-24T12:00:00Z');
    const { clock, api, stop, dayShown } = await board(
      ['BTC-USD'],
      '2026-11-24T12:00:00Z',
      serverStart - browserStart,
    );
    expect(clock.now()).toBe(browserStart);
    clock.advance(MINUTE);
    expect(dayShown('BTC-USD')).toBe(WEDNESDAY);
    expect(api.requests).toHaveLength(2);
    stop();
  });

  it("reads the rows' days again at the server's time once its hello says how far its clock is", async () => {
    // Loaded before the hello, at the browser's time: a week after the server's (a simulated market), whose day
    // ends before the browser's next whole minute.
    const { clock, market, stop, dayShown } = await board(['BTC-USD'], '2026-12-01T12:00:30Z');
    const serverNow = Date.parse('2026-11-24T23:59:59Z');
    market.setState({ serverOffsetMs: serverNow - clock.now() });
    clock.advance(MINUTE);
    expect(dayShown('BTC-USD')).toBe(WEDNESDAY);
    stop();
  });

  it("starts an equity's next day for a page whose server was between days at its hello", async () => {
    // Loaded at the browser's time, in a regular session; the server's (a simulated market) is in the night
    // before Wednesday's open.
    const { clock, market, stop, dayShown } = await board(['AAPL'], '2026-12-01T16:00:00Z');
    const serverNow = Date.parse('2026-11-25T03:00:00Z');
    market.setState({ serverOffsetMs: serverNow - clock.now() });
    clock.advance(Date.parse('2026-11-25T14:31:00Z') - serverNow);
    expect(dayShown('AAPL')).toBe(WEDNESDAY);
    stop();
  });

  it('does not start again a row whose first series the server gave already of the new day', async () => {
    // Asked a moment before midnight, answered by a server already past it.
    const { clock, api, stop, dayShown, closesShown } = await board(['BTC-USD'], '2026-11-24T23:59:58Z', 0, {
      'BTC-USD': WEDNESDAY,
    });
    clock.advance(MINUTE);
    expect(dayShown('BTC-USD')).toBe(WEDNESDAY);
    expect(closesShown('BTC-USD')).toHaveLength(3);
    expect(api.requests).toHaveLength(1);
    stop();
  });

  it("keeps the last day's series of a symbol that has not traded today until the next day begins", async () => {
    const { clock, api, stop, dayShown } = await board(['BTC-USD'], '2026-11-24T12:00:00Z', 0, {
      'BTC-USD': dayOf('2026-11-23'),
    });
    // Today's series is asked for at the next checks, NEW_DAY_ASKS times at most; the day before stays meanwhile.
    for (let minute = 0; minute < 60; minute++) {
      clock.advance(MINUTE);
      await api.answerAll();
    }
    expect(dayShown('BTC-USD')).toBe(dayOf('2026-11-23'));
    expect(api.requests).toHaveLength(1 + NEW_DAY_ASKS);
    clock.advance(Date.parse('2026-11-25T00:00:30Z') - clock.now());
    expect(dayShown('BTC-USD')).toBe(WEDNESDAY);
    expect(api.requests).toHaveLength(2 + NEW_DAY_ASKS);
    stop();
  });

  it("takes the day's series once the server has it, for a row loaded before the day's first trade", async () => {
    // 09:30:20 New York: AAPL's day has begun, but its first trade is not in yet.
    const { clock, api, stop, dayShown, closesShown } = await board(['AAPL'], '2026-11-24T14:30:20Z', 0, {
      AAPL: dayOf('2026-11-23'),
    });
    expect(dayShown('AAPL')).toBe(dayOf('2026-11-23'));
    api.days.AAPL = TUESDAY;
    clock.advance(MINUTE);
    await api.answerAll();
    expect(api.requests).toHaveLength(2);
    expect(dayShown('AAPL')).toBe(TUESDAY);
    expect(closesShown('AAPL')).toHaveLength(3);
    clock.advance(10 * MINUTE);
    expect(api.requests).toHaveLength(2);
    stop();
  });

  it("awaits no day the server's clock has not reached, once its hello says how far it is", async () => {
    // Loaded at the browser's time, a week after the server's (a simulated market): the server's answer, of its
    // own day, looks a week old until the hello.
    const { clock, market, api, stop, dayShown } = await board(['AAPL'], '2026-12-01T16:00:00Z');
    expect(dayShown('AAPL')).toBe(TUESDAY);
    market.setState({ serverOffsetMs: Date.parse('2026-11-24T16:00:30Z') - clock.now() });
    clock.advance(10 * MINUTE);
    await api.answerAll();
    expect(api.requests).toHaveLength(1);
    expect(dayShown('AAPL')).toBe(TUESDAY);
    stop();
  });

  it('does not replace a series with an answer of an older day that arrives after it', async () => {
    const clock = new ManualClock(Date.parse('2026-11-24T23:59:58Z'));
    const market = createMarketStore({ watchlist: ['BTC-USD'] });
    market.getState().setInstruments(instruments);
    const api = fakeApi();
    const stop = loadIntraday(market, { fetchSeries: api.fetchSeries, onError, clock });
    expect(api.requests).toHaveLength(1);
    // Wednesday begins with Tuesday's request still out: the row starts the new day and asks again.
    clock.advance(MINUTE);
    expect(api.requests).toHaveLength(2);
    api.days['BTC-USD'] = WEDNESDAY;
    await api.answer(1);
    expect(market.getState().intraday['BTC-USD']).toMatchObject({ day: WEDNESDAY, closes: [100, 200, 300] });
    // Tuesday's answer comes last.
    api.days['BTC-USD'] = TUESDAY;
    await api.answer(0);
    expect(market.getState().intraday['BTC-USD']).toMatchObject({ day: WEDNESDAY, closes: [100, 200, 300] });
    stop();
  });

  it('does not take the day before back from the asks after an outage while the new day is awaited', async () => {
    const { clock, market, api, stop, dayShown, closesShown } = await board(
      ['BTC-USD'],
      '2026-11-24T23:59:30Z',
    );
    market.getState().setStatus('live');
    clock.advance(MINUTE);
    market.getState().setStatus('reconnecting');
    market.getState().setStatus('live');
    expect(api.requests).toHaveLength(3);
    await api.answerAll();
    expect(dayShown('BTC-USD')).toBe(WEDNESDAY);
    expect(closesShown('BTC-USD')).toEqual([]);
    stop();
  });
});
