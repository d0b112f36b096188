import { io, type Socket } from 'socket.io-client';
import type { Interval } from '../../lib/intervals';
import type { ClientToServerEvents, Refused, ServerToClientEvents } from '../../lib/protocol';
import type { MarketStore } from './market-store';

type FeedSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

function refused(response: object): response is Refused {
  return 'ok' in response && response.ok === false;
}

export interface FeedConnectionOptions {
  /** The feed's origin; the page's own by default. */
  url?: string | undefined;
  onError?: (message: string) => void;
}

/**
 * Connects the store to the feed: keeps the server's subscriptions equal to the watchlist and the selected chart,
 * applies frames, resyncs a symbol or chart that missed an update, and resubscribes everything after a
 * reconnect. Returns the function that disconnects and stops listening.
 */
export function connectFeed(store: MarketStore, options: FeedConnectionOptions = {}): () => void {
  const socket: FeedSocket = options.url ? io(options.url) : io();
  const report = options.onError ?? (() => {});
  let subscribed = new Set<string>();
  let chartStream: { symbol: string; interval: Interval } | undefined;

  const subscribe = (symbols: readonly string[]) => {
    if (symbols.length === 0 || !socket.connected) return;
    socket.emit('subscribe', { symbols: [...symbols] }, (response) => {
      if (refused(response)) return report(response.error.message);
      store.getState().applySnapshots(response.snapshots);
    });
  };

  const syncWatchlist = () => {
    const wanted = new Set(store.getState().watchlist);
    const added = [...wanted].filter((s) => !subscribed.has(s));
    const removed = [...subscribed].filter((s) => !wanted.has(s));
    subscribed = wanted;
    if (!socket.connected) return;
    subscribe(added);
    if (removed.length > 0) socket.emit('unsubscribe', { symbols: removed }, () => {});
  };

  const syncChart = (force = false) => {
    const { selected, interval } = store.getState();
    const same = chartStream?.symbol === selected && chartStream?.interval === interval;
    if (same && !force) return;
    if (chartStream && !same && socket.connected) socket.emit('unsubscribeCandles', chartStream, () => {});
    chartStream = selected ? { symbol: selected, interval } : undefined;
    if (!chartStream || !socket.connected) return;
    socket.emit('subscribeCandles', { ...chartStream, limit: 500 }, (response) => {
      if (refused(response)) return report(response.error.message);
      store.getState().setChart(response);
    });
  };

  socket.on('connect', () => {
    store.getState().setStatus('live');
    subscribed = new Set();
    syncWatchlist();
    syncChart(true);
  });
  socket.on('disconnect', (reason) => {
    store.getState().setStatus(reason === 'io client disconnect' ? 'offline' : 'reconnecting');
  });
  socket.io.on('reconnect_attempt', () => store.getState().setStatus('reconnecting'));
  socket.on('connect_error', () => {
    if (store.getState().status !== 'connecting') store.getState().setStatus('reconnecting');
  });
  socket.on('frame', (frame) => {
    const { quoteGaps, chartGap } = store.getState().applyFrame(frame);
    subscribe(quoteGaps);
    if (chartGap) syncChart(true);
  });

  const goOffline = () => store.getState().setStatus('offline');
  const goOnline = () => {
    if (!socket.connected) store.getState().setStatus('reconnecting');
  };
  window.addEventListener('offline', goOffline);
  window.addEventListener('online', goOnline);

  const unsubscribeStore = store.subscribe((state, previous) => {
    if (state.watchlist !== previous.watchlist) syncWatchlist();
    if (state.selected !== previous.selected || state.interval !== previous.interval) syncChart();
  });

  return () => {
    unsubscribeStore();
    window.removeEventListener('offline', goOffline);
    window.removeEventListener('online', goOnline);
    socket.disconnect();
  };
}
