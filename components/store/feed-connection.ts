import {
  connect,
  type CandleSubscription,
  type ClientErrorCode,
  type ConnectionState,
  type LiveQuote,
  type QuoteSubscription,
} from '@tickerboard/client';
import { streamKey, type StreamKey } from '../../lib/chart-bars';
import type { CandleStreamRef } from '../../lib/protocol';
import type { BookEntry } from '../../lib/quote-book';
import type { LinkStats } from './link-stats';
import type { ConnectionStatus, MarketStore } from './market-store';

/** Board rows refresh four times a second; the charts ten times. */
const BOARD_THROTTLE_MS = 250;
/** How often a live page times a round trip to the server, for the badge. */
const PING_MS = 5000;
const CHART_THROTTLE_MS = 100;
const CHART_BARS = 500;

const STATUS: Readonly<Record<ConnectionState, ConnectionStatus>> = {
  connecting: 'connecting',
  connected: 'live',
  reconnecting: 'reconnecting',
  closed: 'offline',
  outdated: 'outdated',
  refused: 'unauthorized',
};

export interface FeedConnectionOptions {
  /** The feed's origin; the page's own by default. */
  url?: string | undefined;
  onError?: (message: string) => void;
  /** The token for a server that requires one (read at every connection attempt); none by default. */
  token?: () => string | undefined;
  /** Where the round trips and the updates are counted, for the badge. */
  stats?: LinkStats;
  /** First pause before reconnecting, doubling up to 5 s; Socket.IO's 1 s by default (tests shorten it). */
  reconnectionDelayMs?: number;
}

/** Subscriptions end with the client for these; the connection's state says so, once. */
const ENDED_WITH_CLIENT: readonly ClientErrorCode[] = ['OUTDATED', 'UNAUTHORIZED', 'CLOSED'];

const entryOf = (quote: LiveQuote): BookEntry => ({ seq: quote.seq, quote: quote.ticks, stale: quote.stale });

/**
 * Connects the store to the feed through the client library (`@tickerboard/client`, which owns deltas, gaps,
 * resyncs and reconnects): one quote subscription per watchlist symbol, one candle subscription per stream the
 * charts want, and the connection's state as the store's status. Returns the function that disconnects.
 */
export function connectFeed(store: MarketStore, options: FeedConnectionOptions = {}): () => void {
  const client = connect(options.url, {
    token: options.token,
    ...(options.reconnectionDelayMs === undefined
      ? {}
      : { reconnectionDelayMs: options.reconnectionDelayMs }),
  });
  const report = options.onError ?? (() => {});
  const rows = new Map<string, QuoteSubscription>();
  const charts = new Map<StreamKey, CandleSubscription>();
  const stats = options.stats;

  /** Every status change but to `outdated` goes through here: once outdated, the page waits for a reload. */
  const setStatus = (status: ConnectionStatus) => {
    if (store.getState().status !== 'outdated') store.getState().setStatus(status);
  };

  // One frame updates many rows: their quotes go into the store together, in one change.
  let batch: Record<string, BookEntry> | undefined;
  const put = (quote: LiveQuote) => {
    if (!batch) {
      batch = {};
      queueMicrotask(() => {
        const entries = batch ?? {};
        batch = undefined;
        store.getState().putQuotes(entries);
      });
    }
    batch[quote.symbol] = entryOf(quote);
    stats?.recordUpdates(1, Date.now());
  };

  const follow = (symbol: string) => {
    const row = client.quotes([symbol], { throttleMs: BOARD_THROTTLE_MS });
    rows.set(symbol, row);
    row.on('update', ({ quotes }) => quotes.forEach(put));
    row.on('state', ({ state }) => {
      const quote = row.get(symbol);
      if (quote) put(quote);
      if (state !== 'failed' || !row.error || ENDED_WITH_CLIENT.includes(row.error.code)) return;
      report(row.error.message);
      // A symbol the server does not list (a persisted one since dropped, say) leaves the watchlist.
      if (row.error.code === 'UNKNOWN_SYMBOL') store.getState().removeSymbol(symbol);
    });
  };

  const syncWatchlist = () => {
    const wanted = new Set(store.getState().watchlist);
    for (const [symbol, row] of rows) {
      if (wanted.has(symbol) && !row.ended) continue;
      row.unsubscribe();
      rows.delete(symbol);
    }
    for (const symbol of wanted) if (!rows.has(symbol)) follow(symbol);
  };

  const followChart = (key: StreamKey, wanted: CandleStreamRef) => {
    const stream = client.candles(wanted.symbol, wanted.interval, {
      limit: CHART_BARS,
      throttleMs: CHART_THROTTLE_MS,
      // The store holds the bars the chart shows (and bounds them, see chart-view.ts); the client's copy need not.
      maxBars: CHART_BARS,
    });
    charts.set(key, stream);
    stream.on('update', (update) => {
      stats?.recordUpdates(1, Date.now());
      // A reset keeps the history paged in front of the stream's bars (the client's chart lacks it).
      if (update.since !== undefined)
        store.getState().resetChart(update.symbol, update.interval, update.since, update.changed);
      else if (update.replaced) store.getState().showChart(update.chart);
      else store.getState().updateChart(update.symbol, update.interval, update.changed);
    });
    stream.on('error', (error) => {
      if (!ENDED_WITH_CLIENT.includes(error.code)) report(error.message);
    });
  };

  const syncCharts = () => {
    const wanted = new Map(store.getState().chartStreams.map((stream) => [streamKey(stream), stream]));
    for (const [key, stream] of charts) {
      if (wanted.has(key) && !stream.ended) continue;
      stream.unsubscribe();
      charts.delete(key);
    }
    for (const [key, stream] of wanted) if (!charts.has(key)) followChart(key, stream);
  };

  // A round trip now and then while connected, for the badge's latency.
  const ping = () => {
    if (!stats || client.state !== 'connected') return;
    client.ping().then(
      (ms) => stats.recordRoundTrip(ms),
      // Not connected after all, or refused for rate: the next one will tell.
      () => {},
    );
  };
  const pinger = setInterval(ping, PING_MS);

  client.on('state', ({ state, reason }) => {
    setStatus(STATUS[state]);
    // Refused for its token: the page says why and how to get in.
    if (state === 'refused')
      report(`${reason ?? 'unauthorized'}: open the dashboard with a fresh #token= link (npm run token)`);
  });
  // The board reads sessions (pre, post, closed) at the server's time, which SIM_START or a replay may move.
  client.on('hello', (hello) => {
    store.getState().setServerTime(hello.serverTime);
    setTimeout(ping, 0);
  });
  client.on('goodbye', (goodbye) => report(goodbye.message));
  client.on('status', (entries) => store.getState().applyStatus(entries));
  client.on('instruments', (list) => store.getState().setInstruments(list));
  client.on('error', (error) => report(error.message));

  const goOffline = () => setStatus('offline');
  const goOnline = () => {
    if (client.state !== 'connected') setStatus('reconnecting');
  };
  window.addEventListener('offline', goOffline);
  window.addEventListener('online', goOnline);

  const unsubscribeStore = store.subscribe((state, previous) => {
    if (state.watchlist !== previous.watchlist) syncWatchlist();
    if (state.chartStreams !== previous.chartStreams) syncCharts();
  });
  syncWatchlist();
  syncCharts();

  return () => {
    clearInterval(pinger);
    unsubscribeStore();
    window.removeEventListener('offline', goOffline);
    window.removeEventListener('online', goOnline);
    client.close();
    // A socket already down (between retries) reports no disconnect.
    setStatus('offline');
  };
}
