import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { QUOTE_FIELDS, type Quote } from '../../lib/quote';
import { every, systemClock } from '../../server/clock';
import { quotesInTicks, type BenchServer, type ServerSetup } from './bench-server';
import { startMarket } from './feed';

/** L's request: the symbols to be sent. */
export interface LimitSubscribe {
  subscribe: string[];
}

/** L's answer to a request: each symbol's entry as it stands. */
export interface LimitSnapshots {
  snapshots: LimitEntry[];
}

/** L's message per flush. */
export interface LimitFrame {
  t: number;
  q: LimitEntry[];
}

/** A symbol's whole state: `[symbol, seq, ...values]`, values in `QUOTE_FIELDS` order. */
export type LimitEntry = [symbol: string, seq: number, ...values: number[]];

interface Subscriber {
  ws: WebSocket;
  parts: string[];
}

interface SymbolFeed {
  symbol: string;
  seq: number;
  dirty: boolean;
  readonly subscribers: Subscriber[];
}

/**
 * L, the limit: the least work a server can do for the same outcome as O. Plain `ws`, symbols marked dirty as
 * ticks arrive, and per flush each dirty symbol's whole state serialized once and joined, per client, into one
 * frame. No validation, no diffs, no backpressure, no socket.io framing.
 */
export async function startLimit({ feed, flushMs }: ServerSetup): Promise<BenchServer> {
  const market = startMarket(feed);
  const feeds = new Map<string, SymbolFeed>(
    market.instruments.map(({ symbol }) => [symbol, { symbol, seq: 0, dirty: false, subscribers: [] }]),
  );
  let dirty: SymbolFeed[] = [];

  const entryText = (feed: SymbolFeed): string => {
    const quote = market.quote(feed.symbol) as Quote;
    return JSON.stringify([feed.symbol, feed.seq, ...QUOTE_FIELDS.map((field) => quote[field])]);
  };

  const stopListening = market.onChange(({ symbol }) => {
    const feed = feeds.get(symbol);
    if (!feed || feed.dirty) return;
    feed.dirty = true;
    dirty.push(feed);
  });

  const stopFlushing = every(systemClock, flushMs, () => {
    const flushed = dirty;
    dirty = [];
    const pending: Subscriber[] = [];
    for (const feed of flushed) {
      feed.dirty = false;
      if (feed.subscribers.length === 0) continue;
      feed.seq++;
      const text = entryText(feed);
      for (const subscriber of feed.subscribers) {
        if (subscriber.parts.length === 0) pending.push(subscriber);
        subscriber.parts.push(text);
      }
    }
    const head = `{"t":${systemClock.now()},"q":[`;
    for (const subscriber of pending) {
      subscriber.ws.send(`${head}${subscriber.parts.join(',')}]}`);
      subscriber.parts = [];
    }
  });

  const http = createServer();
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
  wss.on('connection', (ws) => {
    const subscriber: Subscriber = { ws, parts: [] };
    const held: SymbolFeed[] = [];
    ws.on('message', (data) => {
      const request = JSON.parse(String(data)) as LimitSubscribe;
      const snapshots: string[] = [];
      for (const symbol of request.subscribe) {
        const feed = feeds.get(symbol);
        if (!feed || held.includes(feed)) continue;
        feed.subscribers.push(subscriber);
        held.push(feed);
        if (market.quote(symbol)) snapshots.push(entryText(feed));
      }
      ws.send(`{"snapshots":[${snapshots.join(',')}]}`);
    });
    ws.on('close', () => {
      for (const feed of held) feed.subscribers.splice(feed.subscribers.indexOf(subscriber), 1);
    });
  });

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    port: (http.address() as AddressInfo).port,
    finalState: () => quotesInTicks(market),
    queuedBytes() {
      let bytes = 0;
      for (const ws of wss.clients) bytes += ws.bufferedAmount;
      return bytes;
    },
    async close() {
      feed.stop();
      stopListening();
      stopFlushing();
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => http.close(() => resolve())));
    },
  };
}
