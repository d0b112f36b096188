import type { WebSocket } from 'ws';
import { FakeVenue, type HttpAnswer, type TapeTrade } from './fake-venue';

/**
 * A fake Finnhub speaking its documented protocol: `GET /stock/profile2` (an empty object for an unknown symbol),
 * `GET /stock/candle` answered 403 as on the free plan, and the WebSocket at `/?token=` with
 * `{"type":"subscribe","symbol":…}`, `trade` batches `{s, p, t, v, c}` and `ping`. A wrong token is refused.
 */
export class FakeFinnhub extends FakeVenue {
  readonly token: string;
  private readonly subscribed = new Map<WebSocket, Set<string>>();

  constructor(symbols: ConstructorParameters<typeof FakeVenue>[0], token: string) {
    super(symbols);
    this.token = token;
  }

  protected rest(url: URL): HttpAnswer {
    if (url.searchParams.get('token') !== this.token)
      return { status: 401, body: { error: 'Invalid API key' } };
    const name = url.searchParams.get('symbol') ?? '';
    if (url.pathname === '/stock/profile2') {
      const symbol = this.symbols.get(name);
      if (!symbol) return { status: 200, body: {} };
      return {
        status: 200,
        body: {
          country: 'US',
          currency: symbol.quote,
          exchange: 'NASDAQ',
          name: `${name} Inc`,
          ticker: name,
        },
      };
    }
    if (url.pathname === '/stock/candle') {
      return { status: 403, body: { error: "You don't have access to this resource." } };
    }
    return { status: 404, body: { error: 'not found' } };
  }

  protected onConnection(ws: WebSocket, path: string): void {
    const token = new URL(path, 'ws://localhost').searchParams.get('token');
    if (token !== this.token) {
      ws.close(1008, 'Invalid API key');
      return;
    }
    this.subscribed.set(ws, new Set());
    ws.on('close', () => this.subscribed.delete(ws));
  }

  protected onClientMessage(ws: WebSocket, text: string): void {
    const request = JSON.parse(text) as { type?: string; symbol?: string };
    if (request.type === 'subscribe' && typeof request.symbol === 'string')
      this.subscribed.get(ws)?.add(request.symbol);
  }

  ping(): void {
    this.sendRaw(JSON.stringify({ type: 'ping' }));
  }

  protected publish(symbol: string, trade: TapeTrade): void {
    if (this.silent) return;
    // Finnhub sends JSON numbers for price and volume.
    const text = JSON.stringify({
      type: 'trade',
      data: [
        {
          s: symbol,
          p: Number(this.price(symbol, trade.price)),
          t: trade.time,
          v: Number(this.size(symbol, trade.size)),
          c: ['1', '12'],
        },
      ],
    });
    for (const [ws, symbols] of this.subscribed) {
      if (!symbols.has(symbol)) continue;
      ws.send(text);
      this.noteDelivered(symbol, trade);
    }
  }
}
