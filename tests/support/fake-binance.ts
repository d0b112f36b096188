import type { WebSocket } from 'ws';
import { isInterval, INTERVAL_SECONDS } from '../../lib/intervals';
import { FakeVenue, type HttpAnswer, type TapeTrade } from './fake-venue';

/**
 * A fake Binance spot venue speaking its documented protocol: `GET /api/v3/exchangeInfo?symbol=`, `GET
 * /api/v3/klines` (12-element arrays, decimal strings, `endTime`/`startTime`/`limit` as Binance pages them), and the
 * combined stream `/stream` with `SUBSCRIBE` replies and `{stream, data}` events for `@trade` and `@bookTicker`.
 */
export class FakeBinance extends FakeVenue {
  private readonly subscribed = new Map<WebSocket, Set<string>>();
  private updateId = 1;

  protected rest(url: URL): HttpAnswer {
    if (url.pathname === '/api/v3/exchangeInfo') {
      const name = url.searchParams.get('symbol') ?? '';
      const symbol = this.symbols.get(name);
      if (!symbol) return { status: 400, body: { code: -1121, msg: 'Invalid symbol.' } };
      return {
        status: 200,
        body: {
          timezone: 'UTC',
          serverTime: this.now(),
          rateLimits: [],
          symbols: [
            {
              symbol: name,
              status: 'TRADING',
              baseAsset: symbol.base,
              quoteAsset: symbol.quote,
              filters: [
                {
                  filterType: 'PRICE_FILTER',
                  minPrice: symbol.tickStep,
                  maxPrice: '1000000.00000000',
                  tickSize: symbol.tickStep,
                },
                {
                  filterType: 'LOT_SIZE',
                  minQty: symbol.lotStep,
                  maxQty: '9000.00000000',
                  stepSize: symbol.lotStep,
                },
              ],
            },
          ],
        },
      };
    }
    if (url.pathname === '/api/v3/klines') {
      const name = url.searchParams.get('symbol') ?? '';
      const interval = url.searchParams.get('interval');
      if (!this.symbols.has(name)) return { status: 400, body: { code: -1121, msg: 'Invalid symbol.' } };
      if (!isInterval(interval)) return { status: 400, body: { code: -1120, msg: 'Invalid interval.' } };
      const limit = Math.min(1000, Number(url.searchParams.get('limit') ?? 500));
      const start = url.searchParams.get('startTime');
      const end = Number(url.searchParams.get('endTime') ?? Infinity);
      const ms = INTERVAL_SECONDS[interval] * 1000;
      let bars = this.expectedBars(name, interval).filter((bar) => bar.time * 1000 <= end);
      if (start !== null) bars = bars.filter((bar) => bar.time * 1000 >= Number(start)).slice(0, limit);
      else bars = bars.slice(-limit);
      const rows = bars.map((bar) => [
        bar.time * 1000,
        this.price(name, bar.open),
        this.price(name, bar.high),
        this.price(name, bar.low),
        this.price(name, bar.close),
        this.size(name, bar.volume),
        bar.time * 1000 + ms - 1,
        '0',
        1,
        '0',
        '0',
        '0',
      ]);
      return { status: 200, body: rows };
    }
    return { status: 404, body: { code: -1, msg: 'no such route' } };
  }

  protected onConnection(ws: WebSocket): void {
    this.subscribed.set(ws, new Set());
    ws.on('close', () => this.subscribed.delete(ws));
  }

  protected onClientMessage(ws: WebSocket, text: string): void {
    const request = JSON.parse(text) as { method?: string; params?: string[]; id?: number };
    if (request.method !== 'SUBSCRIBE' || !Array.isArray(request.params)) {
      ws.send(JSON.stringify({ error: { code: 2, msg: 'Invalid request' }, id: request.id ?? null }));
      return;
    }
    for (const stream of request.params) this.subscribed.get(ws)?.add(stream);
    ws.send(JSON.stringify({ result: null, id: request.id }));
  }

  /** The streams a client subscribed to, over all its connections. */
  subscriptions(): string[] {
    return [...this.subscribed.values()].flatMap((streams) => [...streams]);
  }

  protected publish(symbol: string, trade: TapeTrade): void {
    this.emit(`${symbol.toLowerCase()}@trade`, {
      e: 'trade',
      E: this.now(),
      s: symbol,
      t: trade.tradeId,
      p: this.price(symbol, trade.price),
      q: this.size(symbol, trade.size),
      T: trade.time,
      m: trade.side === 'sell',
      M: true,
    });
  }

  /** Sends a best bid and ask (in ticks and lots) on `@bookTicker`. */
  quote(symbol: string, bid: number, ask: number, bidSize = 1, askSize = 1): void {
    this.emit(`${symbol.toLowerCase()}@bookTicker`, {
      u: this.updateId++,
      s: symbol,
      b: this.price(symbol, bid),
      B: this.size(symbol, bidSize),
      a: this.price(symbol, ask),
      A: this.size(symbol, askSize),
    });
  }

  private emit(stream: string, data: unknown): void {
    if (this.silent) return;
    const text = JSON.stringify({ stream, data });
    for (const [ws, streams] of this.subscribed) if (streams.has(stream)) ws.send(text);
  }
}
