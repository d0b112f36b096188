import { io, type Socket } from 'socket.io-client';
import type { Interval } from '../../lib/intervals';
import { clientParser } from '../../lib/msgpack-parser';
import {
  PROTOCOL_VERSION,
  UNAUTHORIZED,
  type ClientToServerEvents,
  type ErrorCode,
  type Refused,
  type ServerToClientEvents,
} from '../../lib/protocol';
import type { ConnectionStatus, MarketStore } from './market-store';

type FeedSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

function refused(response: object): response is Refused {
  return 'ok' in response && response.ok === false;
}

/** Refusals that mean "not now" rather than "never": the request is asked again after a pause. */
const TRANSIENT: readonly ErrorCode[] = ['RATE_LIMITED', 'SLOW_CONSUMER'];
const RETRY_MS = 500;
/** Board rows refresh four times a second; the chart in focus ten times. */
const BOARD_THROTTLE_MS = 250;
const CHART_THROTTLE_MS = 100;
const MAX_RETRY_MS = 5000;
/**
 * Connections in a row that opened and were closed at the first packet, by the server or by the page failing to
 * decode it, before any hello, after which the page takes the server for a newer version that changed its
 * encoding. A server that is down never opens a connection; a timeout or a transport error does not count.
 */
export const SILENT_CLOSES_BEFORE_OUTDATED = 3;
/** Only a close this soon after its connection opened is taken for one at the first packet. */
const SILENT_CLOSE_WITHIN_MS = 5000;

export interface FeedConnectionOptions {
  /** The feed's origin; the page's own by default. */
  url?: string | undefined;
  onError?: (message: string) => void;
  /** First pause before reconnecting, doubling up to 5 s; Socket.IO's 1 s by default (tests shorten it). */
  reconnectionDelayMs?: number;
  /** The token to present in the handshake, read at every attempt (none without `AUTH_SECRET`). */
  token?: () => string | undefined;
}

/**
 * Connects the store to the feed: keeps the server's subscriptions equal to the watchlist and the selected chart,
 * applies frames, resyncs a symbol or chart that missed an update, and resubscribes everything after a
 * reconnect. Returns the function that disconnects and stops listening.
 */
export function connectFeed(store: MarketStore, options: FeedConnectionOptions = {}): () => void {
  const socketOptions = {
    parser: clientParser,
    // Read at every attempt: a token given after a refusal (a new #token= link) is used by the next one.
    auth: (send: (auth: { token?: string }) => void) => {
      const token = options.token?.();
      send(token ? { token } : {});
    },
    ...(options.reconnectionDelayMs === undefined ? {} : { reconnectionDelay: options.reconnectionDelayMs }),
  };
  const socket: FeedSocket = options.url ? io(options.url, socketOptions) : io(socketOptions);
  const report = options.onError ?? (() => {});
  let subscribed = new Set<string>();
  let chartStream: { symbol: string; interval: Interval } | undefined;
  // A stale symbol or chart reports a gap on every frame until its snapshot lands; one request each is enough.
  let resyncing = new Set<string>();
  /** A candle subscription is on its way; its acknowledgement brings fresh bars anyway. */
  let chartPending = false;
  const timers = new Set<ReturnType<typeof setTimeout>>();
  /** Connected to a server that said hello in this page's protocol version: requests may go. */
  let ready = false;

  /** Runs `retry` after a pause that doubles with each attempt. */
  const later = (attempt: number, retry: () => void) => {
    const timer = setTimeout(
      () => {
        timers.delete(timer);
        retry();
      },
      Math.min(MAX_RETRY_MS, RETRY_MS * 2 ** attempt),
    );
    timers.add(timer);
  };

  const subscribe = (symbols: readonly string[], done: () => void = () => {}, attempt = 0) => {
    if (symbols.length === 0 || !ready) return done();
    socket.emit('subscribe', { symbols: [...symbols], throttleMs: BOARD_THROTTLE_MS }, (response) => {
      if (!refused(response)) {
        done();
        return store.getState().applySnapshots(response.snapshots);
      }
      if (TRANSIENT.includes(response.error.code)) {
        const wanted = () => symbols.filter((symbol) => subscribed.has(symbol));
        return later(attempt, () => subscribe(wanted(), done, attempt + 1));
      }
      done();
      report(response.error.message);
      // One unknown symbol (say, a persisted one the server no longer lists) refuses the whole request: drop it
      // from the watchlist and ask again for the others, or they would never get a quote.
      const unknown = response.error.code === 'UNKNOWN_SYMBOL' ? (response.error.symbols ?? []) : [];
      if (unknown.length === 0) return;
      for (const symbol of unknown) store.getState().removeSymbol(symbol);
      subscribe(symbols.filter((symbol) => !unknown.includes(symbol) && subscribed.has(symbol)));
    });
  };

  const resync = (symbols: readonly string[]) => {
    const fresh = symbols.filter((symbol) => !resyncing.has(symbol));
    for (const symbol of fresh) resyncing.add(symbol);
    const round = resyncing;
    subscribe(fresh, () => {
      for (const symbol of fresh) round.delete(symbol);
    });
  };

  const syncWatchlist = () => {
    const wanted = new Set(store.getState().watchlist);
    const added = [...wanted].filter((s) => !subscribed.has(s));
    const removed = [...subscribed].filter((s) => !wanted.has(s));
    subscribed = wanted;
    if (!ready) return;
    subscribe(added);
    if (removed.length > 0) socket.emit('unsubscribe', { symbols: removed }, () => {});
  };

  const syncChart = (force = false, attempt = 0) => {
    const { selected, interval } = store.getState();
    const same = chartStream?.symbol === selected && chartStream?.interval === interval;
    if (same && !force) return;
    if (chartStream && !same && ready) socket.emit('unsubscribeCandles', chartStream, () => {});
    chartStream = selected ? { symbol: selected, interval } : undefined;
    if (!chartStream || !ready) return;
    const stream = chartStream;
    chartPending = true;
    socket.emit('subscribeCandles', { ...stream, limit: 500, throttleMs: CHART_THROTTLE_MS }, (response) => {
      if (chartStream !== stream) return;
      if (refused(response) && TRANSIENT.includes(response.error.code)) {
        return later(attempt, () => chartStream === stream && syncChart(true, attempt + 1));
      }
      chartPending = false;
      if (refused(response)) return report(response.error.message);
      store.getState().setChart(response);
    });
  };

  /** Every status change but to `outdated` goes through here: once outdated, the page waits for a reload. */
  const setStatus = (status: ConnectionStatus) => {
    if (store.getState().status !== 'outdated') store.getState().setStatus(status);
  };
  /** The server speaks a newer protocol than this page: stop for good and let the badge ask for a reload. */
  const outdated = () => {
    store.getState().setStatus('outdated');
    socket.disconnect();
  };
  // A server whose encoding changed cannot say hello in a way this page reads: each connection opens and is closed
  // at the first packet, by the server, which could not read ours ('transport close'), or by the page ('parse
  // error'). Other losses (timeouts, transport errors, the page's own closing), and a close long after the open,
  // say nothing about versions.
  let openedAt: number | undefined;
  let silentCloses = 0;
  let olderServer = { retries: 0, waiting: false };
  const onOpen = () => {
    openedAt = Date.now();
  };
  const onClose = (reason: string) => {
    const silent =
      openedAt !== undefined &&
      Date.now() - openedAt < SILENT_CLOSE_WITHIN_MS &&
      (reason === 'transport close' || reason === 'parse error');
    openedAt = undefined;
    if (silent && ++silentCloses >= SILENT_CLOSES_BEFORE_OUTDATED) outdated();
  };
  const onReconnectAttempt = () => setStatus('reconnecting');
  socket.io.on('open', onOpen);
  socket.io.on('close', onClose);
  socket.io.on('reconnect_attempt', onReconnectAttempt);
  socket.on('hello', (hello) => {
    openedAt = undefined;
    silentCloses = 0;
    if (hello.version > PROTOCOL_VERSION) return outdated();
    if (hello.version < PROTOCOL_VERSION) {
      // An older server, met during a rolling deployment: a reload would not help. Try again (another instance,
      // likely) after a pause that grows.
      olderServer.waiting = true;
      socket.disconnect();
      later(olderServer.retries++, () => {
        olderServer.waiting = false;
        socket.connect();
      });
      return;
    }
    olderServer = { retries: 0, waiting: false };
    // A server of this page's protocol: the page is live and asks for everything it shows.
    ready = true;
    setStatus('live');
    subscribed = new Set();
    resyncing = new Set();
    chartPending = false;
    syncWatchlist();
    syncChart(true);
  });
  socket.on('disconnect', (reason) => {
    ready = false;
    setStatus(reason === 'io client disconnect' && !olderServer.waiting ? 'offline' : 'reconnecting');
    // Socket.IO reconnects by itself after every loss except one the server chose (a slow consumer, say).
    if (reason === 'io server disconnect') later(1, () => socket.connect());
  });
  socket.on('connect_error', (error) => {
    // Refused for its token: Socket.IO does not retry that, and the page says why and how to get in.
    if (error.message.startsWith(UNAUTHORIZED)) {
      setStatus('unauthorized');
      return report(`${error.message}: open the dashboard with a fresh #token= link (npm run token)`);
    }
    if (store.getState().status !== 'connecting') setStatus('reconnecting');
  });
  socket.on('goodbye', (goodbye) => report(goodbye.message));
  socket.on('frame', (frame) => {
    const { quoteGaps, chartGap } = store.getState().applyFrame(frame);
    resync(quoteGaps);
    if (chartGap && !chartPending) syncChart(true);
  });

  const goOffline = () => setStatus('offline');
  const goOnline = () => {
    if (!socket.connected) setStatus('reconnecting');
  };
  window.addEventListener('offline', goOffline);
  window.addEventListener('online', goOnline);

  const unsubscribeStore = store.subscribe((state, previous) => {
    if (state.watchlist !== previous.watchlist) syncWatchlist();
    if (state.selected !== previous.selected || state.interval !== previous.interval) syncChart();
  });

  return () => {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    unsubscribeStore();
    window.removeEventListener('offline', goOffline);
    window.removeEventListener('online', goOnline);
    socket.io.off('open', onOpen);
    socket.io.off('close', onClose);
    socket.io.off('reconnect_attempt', onReconnectAttempt);
    socket.disconnect();
    // A socket already down (between retries) reports no disconnect.
    setStatus('offline');
  };
}
