import { systemClock, type Clock } from '../../lib/clock';
import { toTicks, type AssetClass } from '../../lib/instrument';
import { intradayDayAt } from '../../lib/intraday';
import { unixMillis, type UnixSeconds } from '../../lib/nominal';
import type { SparklinesResponse } from '../../lib/protocol';
import type { IntradaySeries, MarketStore } from './market-store';

/** Symbols one `GET /api/sparklines` may ask for (the API's bound, as for /api/quotes). */
export const INTRADAY_BATCH = 50;
/**
 * Times a new day's series is asked for while the server still answers the day before (no trade of the new day
 * yet): at the boundary and at the next checks. A symbol that has not traded by then draws from its live prices.
 */
export const NEW_DAY_ASKS = 5;

const MINUTE_MS = 60_000;
/**
 * Checks run this long after each whole minute at the server: trading days turn on whole minutes, and the
 * server's new day exists once its first trade is in.
 */
const CHECK_LAG_MS = 1_000;

export interface IntradayLoaderOptions {
  /** One request of `GET /api/sparklines` for at most INTRADAY_BATCH symbols. */
  fetchSeries: (symbols: readonly string[]) => Promise<SparklinesResponse>;
  onError: (message: string) => void;
  /** The browser's clock; the store's `serverOffsetMs` turns it into the server's. */
  clock?: Clock;
}

/** What the loader knows of one board symbol's series. */
interface Row {
  assetClass: AssetClass;
  /** `due`: to be asked at the next chance; `asking`: a request is out; `held`: settled; `failed`: asked again on the next board change. */
  state: 'due' | 'asking' | 'held' | 'failed';
  /** The latest trading day the calendar said at the server's time, to see the next one begin. */
  seen: UnixSeconds | undefined;
  /** A new day whose series the row waits for: answers of an older day are not taken. */
  awaiting: UnixSeconds | undefined;
  /** Asks left while awaiting. */
  asksLeft: number;
}

/**
 * Keeps the market store's `intraday` series for every board symbol: when symbols join the board (and their
 * instruments are known), their series are asked for in batches of INTRADAY_BATCH, one request per batch, never
 * one per row and never a chart stream. A symbol's series is asked for once, again after an outage (the feed
 * live again), and again when its next trading day begins (see `intradayDayAt`): a check once a minute at the
 * server's time finds the rows whose day changed, starts each of them empty and asks for the new day's series
 * of those rows only. The live quotes extend the series meanwhile (see Sparkline). Returns the function that stops.
 */
export function loadIntraday(
  market: MarketStore,
  { fetchSeries, onError, clock = systemClock }: IntradayLoaderOptions,
): () => void {
  const rows = new Map<string, Row>();
  let stopped = false;

  const serverNow = () => unixMillis(clock.now() + market.getState().serverOffsetMs);

  const answered = (response: SparklinesResponse) => {
    const { instruments, intraday: held } = market.getState();
    const series: Record<string, IntradaySeries> = {};
    for (const { symbol, day, closes } of response.sparklines) {
      const row = rows.get(symbol);
      const instrument = instruments[symbol];
      if (!row || !instrument) continue;
      const awaited = row.awaiting;
      if (awaited !== undefined && (day === null || day < awaited)) {
        // The server has no trade of the new day yet: the row stays on the new day, empty, and asks again.
        row.asksLeft -= 1;
        if (row.asksLeft > 0) row.state = 'due';
        else {
          row.state = 'held';
          row.awaiting = undefined;
        }
        continue;
      }
      const shownDay = held[symbol]?.day;
      row.state = 'held';
      row.awaiting = undefined;
      // An answer older than the series shown (answers of one boundary crossing each other) is not taken.
      if (typeof shownDay === 'number' && (day === null || day < shownDay)) continue;
      series[symbol] = {
        day: day as UnixSeconds | null,
        closes: closes.map((close) => toTicks(close, instrument)),
      };
      // A day before the one the calendar says (a row loaded before its first trade of the day): shown until
      // the server has today's, asked for at the next checks.
      if (row.seen !== undefined && (day === null || day < row.seen)) {
        row.awaiting = row.seen;
        row.asksLeft = NEW_DAY_ASKS;
        row.state = 'due';
      }
    }
    if (Object.keys(series).length > 0) market.getState().putIntraday(series);
  };

  const load = async (symbols: readonly string[]) => {
    let response: SparklinesResponse;
    try {
      response = await fetchSeries(symbols);
    } catch (error) {
      // Asked again on the next board change; the sparklines go on from the live quotes meanwhile.
      for (const symbol of symbols) {
        const row = rows.get(symbol);
        if (row) row.state = 'failed';
      }
      if (!stopped) onError(`intraday history: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (!stopped) answered(response);
  };

  const askDue = () => {
    const due = [...rows].filter(([, row]) => row.state === 'due').map(([symbol]) => symbol);
    for (const symbol of due) (rows.get(symbol) as Row).state = 'asking';
    for (let i = 0; i < due.length; i += INTRADAY_BATCH) void load(due.slice(i, i + INTRADAY_BATCH));
  };

  const reconcile = () => {
    const { watchlist, instruments, intraday } = market.getState();
    const shown = new Set(watchlist);
    // A symbol that left the board is asked for again should it come back (its series would be old by then).
    for (const symbol of rows.keys()) if (!shown.has(symbol)) rows.delete(symbol);
    if (Object.keys(intraday).some((symbol) => !shown.has(symbol))) market.getState().putIntraday({});
    const now = serverNow();
    for (const symbol of watchlist) {
      const row = rows.get(symbol);
      const instrument = instruments[symbol];
      if (row?.state === 'failed') row.state = 'due';
      if (row || !instrument) continue;
      const { assetClass } = instrument;
      rows.set(symbol, {
        assetClass,
        state: 'due',
        seen: intradayDayAt(assetClass, now),
        awaiting: undefined,
        asksLeft: 0,
      });
    }
    askDue();
  };

  /**
   * Starts the rows whose next trading day began, and asks for their new series. `reread`: the page's estimate of
   * the server's clock changed, so the days seen before were read at another time and are forgotten.
   */
  const check = (reread = false) => {
    const now = serverNow();
    const days = new Map<AssetClass, UnixSeconds | undefined>();
    const started: Record<string, IntradaySeries> = {};
    const held = market.getState().intraday;
    for (const [symbol, row] of rows) {
      if (!days.has(row.assetClass)) days.set(row.assetClass, intradayDayAt(row.assetClass, now));
      const day = days.get(row.assetClass);
      // A day awaited that the server's clock has not reached (read at the browser's, before its hello): none is.
      if (row.awaiting !== undefined && day !== undefined && day < row.awaiting) {
        row.awaiting = undefined;
        if (row.state === 'due') row.state = 'held';
      }
      // Between days the last one stands; a day earlier than seen is the page's estimate of the server's clock
      // corrected (its hello), not a new day.
      if (day === undefined && reread) row.seen = undefined;
      if (day === undefined || day === row.seen) continue;
      const begun = row.seen === undefined || day > row.seen;
      row.seen = day;
      const shownDay = held[symbol]?.day;
      if (!begun || (typeof shownDay === 'number' && shownDay >= day)) continue;
      started[symbol] = { day, closes: [] };
      row.awaiting = day;
      row.asksLeft = NEW_DAY_ASKS;
      row.state = 'due';
    }
    if (Object.keys(started).length > 0) market.getState().putIntraday(started);
    askDue();
  };

  let cancelCheck = () => {};
  const scheduleCheck = () => {
    const sinceMinute = (((serverNow() - CHECK_LAG_MS) % MINUTE_MS) + MINUTE_MS) % MINUTE_MS;
    cancelCheck = clock.setTimer(() => {
      check();
      scheduleCheck();
    }, MINUTE_MS - sinceMinute);
  };

  /** Whether the feed has been live since the loader started. */
  let wasLive = market.getState().status === 'live';
  const stop = market.subscribe((state, previous) => {
    if (state.status === 'live' && previous.status !== 'live') {
      // Back after an outage: the live tails missed what happened meanwhile, so every series is asked again.
      if (wasLive) for (const row of rows.values()) row.state = 'due';
      wasLive = true;
      reconcile();
    } else if (state.watchlist !== previous.watchlist || state.instruments !== previous.instruments)
      reconcile();
    // The server's hello says how far its clock is from this browser's: the days the rows saw before it were
    // read at the browser's time, so they are read again at the server's, and the checks fall on its minutes.
    if (state.serverOffsetMs !== previous.serverOffsetMs) {
      check(true);
      cancelCheck();
      scheduleCheck();
    }
  });
  reconcile();
  scheduleCheck();
  return () => {
    stopped = true;
    cancelCheck();
    stop();
  };
}
