import type { WebSocket } from 'ws';
import { FakeVenue, type HttpAnswer, type TapeTrade } from './fake-venue';

const GRANULARITIES = new Map([
  [60, '1m'],
  [300, '5m'],
  [900, '15m'],
  [3600, '1h'],
  [21600, undefined],
  [86400, '1d'],
] as const);

/**
 * A fake Coinbase Exchange speaking its documented protocol: `GET /products/{id}`, `GET /products/{id}/candles`
 * (`[time, low, high, open, close, volume]` numbers, newest first, at most 300, granularities 60 to 86400), and the
 * WebSocket feed: a `subscribe` within 5 s of opening (or the connection is closed), `subscriptions`, `last_match`,
 * then `match`, `ticker` and `heartbeat` messages.
 */
export class FakeCoinbase extends FakeVenue {
  private readonly subscribed = new Map<WebSocket, Set<string>>();
  private sequence = 1;

  protected rest(url: URL): HttpAnswer {
    const parts = url.pathname.split('/').filter(Boolean);
    const id = decodeURIComponent(parts[1] ?? '');
    const symbol = this.symbols.get(id);
    if (parts[0] !== 'products' || !symbol) return { status: 404, body: { message: 'NotFound' } };
    if (parts.length === 2) {
      return {
        status: 200,
        body: {
          id,
          base_currency: symbol.base,
          quote_currency: symbol.quote,
          quote_increment: symbol.tickStep,
          base_increment: symbol.lotStep,
          display_name: `${symbol.base}-${symbol.quote}`,
          min_market_funds: '1',
          margin_enabled: false,
          post_only: false,
          limit_only: false,
          cancel_only: false,
          status: 'online',
          status_message: '',
          trading_disabled: false,
        },
      };
    }
    if (parts[2] !== 'candles') return { status: 404, body: { message: 'NotFound' } };
    const granularity = Number(url.searchParams.get('granularity'));
    const interval = GRANULARITIES.get(granularity as 60);
    if (!GRANULARITIES.has(granularity as 60)) {
      return { status: 400, body: { message: 'Unsupported granularity' } };
    }
    const start = Date.parse(url.searchParams.get('start') ?? '');
    const end = Date.parse(url.searchParams.get('end') ?? '');
    if ((end - start) / 1000 / granularity + 1 > 300) {
      return { status: 400, body: { message: 'granularity too small for the requested time range' } };
    }
    if (interval === undefined) return { status: 200, body: [] };
    const rows = this.expectedBars(id, interval)
      .filter((bar) => bar.time * 1000 >= start && bar.time * 1000 <= end)
      .map((bar) => [
        bar.time,
        Number(this.price(id, bar.low)),
        Number(this.price(id, bar.high)),
        Number(this.price(id, bar.open)),
        Number(this.price(id, bar.close)),
        Number(this.size(id, bar.volume)),
      ])
      .reverse();
    return { status: 200, body: rows };
  }

  protected onConnection(ws: WebSocket): void {
    this.subscribed.set(ws, new Set());
    ws.on('close', () => this.subscribed.delete(ws));
    const deadline = setTimeout(() => {
      if (this.subscribed.get(ws)?.size === 0) ws.close(1008, 'subscribe within 5 seconds');
    }, 5000);
    ws.on('close', () => clearTimeout(deadline));
  }

  protected onClientMessage(ws: WebSocket, text: string): void {
    const request = JSON.parse(text) as { type?: string; product_ids?: string[]; channels?: string[] };
    if (
      request.type !== 'subscribe' ||
      !Array.isArray(request.product_ids) ||
      !Array.isArray(request.channels)
    ) {
      ws.send(
        JSON.stringify({ type: 'error', message: 'Failed to subscribe', reason: 'malformed subscribe' }),
      );
      return;
    }
    const unknown = request.product_ids.filter((id) => !this.symbols.has(id));
    if (unknown.length > 0) {
      ws.send(
        JSON.stringify({
          type: 'error',
          message: 'Failed to subscribe',
          reason: `${unknown[0]} is not a valid product`,
        }),
      );
      return;
    }
    for (const id of request.product_ids) this.subscribed.get(ws)?.add(id);
    this.channels = request.channels;
    ws.send(
      JSON.stringify({
        type: 'subscriptions',
        channels: request.channels.map((name) => ({ name, product_ids: request.product_ids })),
      }),
    );
    for (const id of request.product_ids) {
      const last = this.lastTrade(id);
      if (!last) continue;
      ws.send(JSON.stringify(this.match(id, last, 'last_match')));
      this.noteDelivered(id, last);
    }
  }

  /** The channels the last subscribe asked for. */
  channels: string[] = [];

  protected publish(symbol: string, trade: TapeTrade): void {
    if (this.emit(symbol, this.match(symbol, trade, 'match')) > 0) this.noteDelivered(symbol, trade);
  }

  /** A heartbeat naming the last trade on the tape, published or not. */
  heartbeat(symbol: string): void {
    this.emit(symbol, {
      type: 'heartbeat',
      sequence: this.sequence++,
      last_trade_id: this.lastTrade(symbol)?.tradeId ?? 0,
      product_id: symbol,
      time: new Date(this.now()).toISOString(),
    });
  }

  /** The best bid and ask (ticks, lots) on `ticker`. */
  ticker(symbol: string, bid: number, ask: number, bidSize = 1, askSize = 1): void {
    const last = this.lastTrade(symbol);
    this.emit(symbol, {
      type: 'ticker',
      sequence: this.sequence++,
      product_id: symbol,
      price: this.price(symbol, last?.price ?? bid),
      open_24h: this.price(symbol, bid),
      volume_24h: '1',
      low_24h: this.price(symbol, bid),
      high_24h: this.price(symbol, ask),
      volume_30d: '1',
      best_bid: this.price(symbol, bid),
      best_bid_size: this.size(symbol, bidSize),
      best_ask: this.price(symbol, ask),
      best_ask_size: this.size(symbol, askSize),
      side: 'buy',
      time: new Date(this.now()).toISOString(),
      trade_id: last?.tradeId ?? 0,
      last_size: this.size(symbol, last?.size ?? 1),
    });
  }

  private match(symbol: string, trade: TapeTrade, type: 'match' | 'last_match') {
    return {
      type,
      trade_id: trade.tradeId,
      maker_order_id: `maker-${trade.tradeId}`,
      taker_order_id: `taker-${trade.tradeId}`,
      // The maker's side: a buying taker met a selling maker.
      side: trade.side === 'buy' ? 'sell' : 'buy',
      size: this.size(symbol, trade.size),
      price: this.price(symbol, trade.price),
      product_id: symbol,
      sequence: this.sequence++,
      time: new Date(trade.time).toISOString().replace('Z', '000Z'),
    };
  }

  /** Sends `message` to the clients subscribed to `symbol`; returns how many. */
  private emit(symbol: string, message: unknown): number {
    if (this.silent) return 0;
    const text = JSON.stringify(message);
    let sent = 0;
    for (const [ws, products] of this.subscribed) {
      if (!products.has(symbol)) continue;
      ws.send(text);
      sent++;
    }
    return sent;
  }
}
