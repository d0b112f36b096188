import type { ServerNotice } from '../../lib/protocol';
import type { Clock } from '../clock';
import { drainConnections } from './drain';
import type { FeedIo } from './socket-server';

/** The server-side event, between Socket.IO servers over their adapter, that asks each to drain its clients. */
const RECONNECT_ALL = 'tickerboard:reconnectAll';

/**
 * Sends a notice to every client of every server sharing the adapter (with the Redis adapter: every gateway).
 */
export function broadcastNotice(io: FeedIo, notice: ServerNotice): void {
  io.emit('notice', notice);
}

/**
 * Asks every server sharing the adapter, this one included, to have all its clients reconnect, spread over
 * `spreadMs` (a rebalance after adding gateways, for one). The servers keep running.
 */
export function reconnectEveryone(io: FeedIo, spreadMs: number, clock: Clock): Promise<void> {
  io.serverSideEmit(RECONNECT_ALL, spreadMs);
  return drainConnections(io, { spreadMs, clock, reason: 'rebalancing' });
}

/** Answers other servers' `reconnectEveryone`; returns the function that stops answering. */
export function answerReconnectRequests(io: FeedIo, clock: Clock): () => void {
  const onRequest = (spreadMs: unknown) => {
    const spread = typeof spreadMs === 'number' && spreadMs >= 0 ? Math.min(spreadMs, 60_000) : 0;
    void drainConnections(io, { spreadMs: spread, clock, reason: 'rebalancing' });
  };
  io.on(RECONNECT_ALL, onRequest);
  return () => io.off(RECONNECT_ALL, onRequest);
}
