import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { decimalPrices, type DecimalPrices } from '../../lib/decimals';
import type { Instrument } from '../../lib/instrument';
import { QUOTE_FIELDS } from '../../lib/quote';
import { socketIoQueuedBytes, type BenchServer, type ServerSetup } from './bench-server';
import { startMarket } from './feed';

/** The tick N sends: the quote with named fields, prices and volume as decimals. */
export interface NaiveTick extends DecimalPrices {
  symbol: string;
  time: number;
}

export interface NaiveSubscribed {
  ok: boolean;
  symbols: string[];
  snapshots: NaiveTick[];
}

/**
 * N: how a feed is usually first written with socket.io. Each client joins one room per symbol and every market
 * change is emitted to that symbol's room as it happens: no conflation, no batching, one message per tick per
 * subscriber.
 */
export async function startNaive({ feed }: ServerSetup): Promise<BenchServer> {
  const market = startMarket(feed);
  const instruments = new Map<string, Instrument>(market.instruments.map((i) => [i.symbol, i]));

  const tick = (symbol: string): NaiveTick | undefined => {
    const quote = market.quote(symbol);
    const instrument = instruments.get(symbol);
    if (!quote || !instrument) return undefined;
    return { symbol, ...decimalPrices(quote, instrument), time: quote.time };
  };

  const http = createServer();
  const io = new Server(http, { serveClient: false });
  const stopListening = market.onChange(({ symbol }) => io.to(symbol).emit('tick', tick(symbol)));
  io.on('connection', (socket) => {
    socket.on('subscribe', (request: { symbols?: unknown }, ack: (answer: NaiveSubscribed) => void) => {
      const symbols = Array.isArray(request?.symbols)
        ? request.symbols.filter((s): s is string => typeof s === 'string' && instruments.has(s))
        : [];
      void socket.join(symbols);
      const snapshots = symbols.map(tick).filter((t): t is NaiveTick => t !== undefined);
      if (typeof ack === 'function') ack({ ok: true, symbols, snapshots });
    });
  });

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    port: (http.address() as AddressInfo).port,
    finalState() {
      const state: Record<string, number[]> = {};
      for (const symbol of instruments.keys()) {
        const last = tick(symbol);
        if (last) state[symbol] = QUOTE_FIELDS.map((field) => last[field]);
      }
      return state;
    },
    queuedBytes: () => socketIoQueuedBytes(io),
    async close() {
      feed.stop();
      stopListening();
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
