import type { Socket as ServerSocket } from 'socket.io';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectFeed } from '../../components/store/feed-connection';
import { chartOf, createMarketStore } from '../../components/store/market-store';
import { closeTestFeeds, startTestFeed } from '../support/test-feed';
import { stubBrowser } from '../support/browser-globals';
import { sleep, waitFor } from '../support/wait';

/** The dashboard's store, connected through the client library to the real server. */
const stops: (() => void)[] = [];

beforeEach(() => {
  stubBrowser();
});

afterEach(async () => {
  for (const stop of stops.splice(0)) stop();
  vi.unstubAllGlobals();
  await closeTestFeeds();
});

describe('the dashboard store on the feed', () => {
  it('mirrors the watchlist and the chart streams, follows their changes, and ends equal to the server', async () => {
    const feed = await startTestFeed();
    const requests: { event: string; request: unknown }[] = [];
    feed.io.on('connection', (socket: ServerSocket) =>
      socket.onAny((event: string, request: unknown) => requests.push({ event, request })),
    );
    const store = createMarketStore({
      watchlist: ['AAPL', 'GONE', 'BTC-USD'],
      selected: 'AAPL',
      chartStreams: [{ symbol: 'AAPL', interval: '1m' }],
    });
    const chart = () => {
      const [stream] = store.getState().chartStreams;
      return stream && chartOf(store.getState(), stream.symbol, stream.interval)?.bars;
    };
    const problems: string[] = [];
    stops.push(connectFeed(store, { url: feed.url, onError: (message) => problems.push(message) }));

    await waitFor(() => store.getState().status === 'live', 10_000, 'live');
    // A persisted symbol the server no longer lists leaves the watchlist; the others get their quotes.
    await waitFor(() => !store.getState().watchlist.includes('GONE'), 10_000, 'GONE dropped');
    expect(problems.some((problem) => problem.includes('GONE'))).toBe(true);
    await waitFor(() => store.getState().book.AAPL && store.getState().book['BTC-USD'], 10_000, 'quotes');
    await waitFor(() => chart()?.symbol === 'AAPL', 10_000, 'the chart');
    expect(chart()?.bars).toHaveLength(500);
    expect(Object.keys(store.getState().instruments).length).toBeGreaterThan(40);

    store.setState({ watchlist: [...store.getState().watchlist, 'ETH-USD'] });
    store.getState().removeSymbol('BTC-USD');
    store.setState({ selected: 'ETH-USD', chartStreams: [{ symbol: 'ETH-USD', interval: '5m' }] });
    await waitFor(() => store.getState().book['ETH-USD'], 10_000, 'ETH-USD quotes');
    await waitFor(() => chart()?.interval === '5m', 10_000, 'the 5m chart');
    expect(chart()?.symbol).toBe('ETH-USD');
    expect(store.getState().book['BTC-USD']).toBeUndefined();
    expect(requests).toContainEqual({ event: 'unsubscribe', request: { symbols: ['BTC-USD'] } });
    expect(requests).toContainEqual({
      event: 'unsubscribeCandles',
      request: { symbol: 'AAPL', interval: '1m' },
    });

    await sleep(1000);
    feed.stopSource();
    await sleep(500);
    const { book } = store.getState();
    expect(Object.keys(book).sort()).toEqual(['AAPL', 'ETH-USD']);
    for (const symbol of ['AAPL', 'ETH-USD']) expect(book[symbol]?.quote).toEqual(feed.market.quote(symbol));
    const bars = chart()?.bars ?? [];
    expect(bars).toEqual(feed.market.bars('ETH-USD', '5m', bars.length));
  });
});
