import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Socket as TcpSocket } from 'node:net';
import type { Clock } from '../clock';
import { clientAddress, limitKey, normalizeAddress, type ProxyTrust } from '../http/client-address';
import type { Logger } from '../logger';
import { AddressCount } from './address-count';

/** How often refused connections are logged at most (with the number refused meanwhile). */
const REFUSAL_LOG_MS = 10_000;

export interface ConnectionGuardOptions {
  /** MAX_CONNECTIONS_PER_IP: Socket.IO sessions per client address. */
  maxPerAddress: number;
  /** HANDSHAKE_TIMEOUT_MS: a TCP connection sends its first request within this, or is closed. */
  handshakeTimeoutMs: number;
  trusted: ProxyTrust;
  clock: Clock;
  logger: Logger;
}

/** What of an Engine.IO connection the guard needs. */
export interface EngineSession {
  readonly request: IncomingMessage;
  once(event: 'close', listener: () => void): unknown;
}

export interface ConnectionGuard {
  /** For Engine.IO's allowRequest: whether one more session from this handshake's client address fits. */
  admitSession(request: IncomingMessage): boolean;
  /** Counts an opened Engine.IO session against its address until it closes (call before dropping its request). */
  trackSession(session: EngineSession): void;
  /** Sessions an address holds (for tests and metrics). */
  sessionsOf(address: string): number;
}

/**
 * Per-address limits and the handshake timeout, for a server a hostile visitor can reach.
 *
 * - Sessions: at most `maxPerAddress` Socket.IO sessions per client address (X-Forwarded-For believed only from
 *   trusted proxies; an IPv6 address counts by its /64), checked at the handshake.
 * - TCP: at most twice that many TCP connections from one peer that is not a trusted proxy (a long-polling session
 *   holds two, and a page's own requests a few more); past it a connection is closed as it is accepted.
 * - Time: a TCP connection that has not sent a whole request within `handshakeTimeoutMs` is closed. One that
 *   upgrades to a WebSocket or long-polls but never sends a Socket.IO connect is closed by Socket.IO's
 *   `connectTimeout`, which the feed server sets to the same figure.
 *
 * Attach it after Socket.IO: Engine.IO moves the server's existing 'request' listeners behind its own, and the
 * guard must see every request, Socket.IO's included.
 */
export function guardConnections(http: HttpServer, options: ConnectionGuardOptions): ConnectionGuard {
  const { trusted, clock, logger } = options;
  const sessions = new AddressCount(options.maxPerAddress);
  const tcp = new AddressCount(options.maxPerAddress * 2);
  /** Sessions admitted whose Engine.IO connection has not opened yet (the handshake awaits an id). */
  const pending = new AddressCount(Number.MAX_SAFE_INTEGER);
  const waiting = new WeakMap<TcpSocket, () => void>();

  // A flood is refused thousands of times a second: it is logged once per period, with how many were refused.
  const refusals = { tcp: 0, sessions: 0, loggedAt: Number.NEGATIVE_INFINITY };
  const refused = (kind: 'tcp' | 'sessions', address: string): void => {
    refusals[kind] += 1;
    const now = clock.now();
    if (now - refusals.loggedAt < REFUSAL_LOG_MS) return;
    logger.warn(
      { address, tcp: refusals.tcp, sessions: refusals.sessions, limit: sessions.limit },
      'connections refused: too many from one address',
    );
    refusals.tcp = 0;
    refusals.sessions = 0;
    refusals.loggedAt = now;
  };

  http.on('connection', (socket: TcpSocket) => {
    const address = normalizeAddress(socket.remoteAddress ?? '');
    const peer = trusted(address) ? undefined : limitKey(address);
    if (peer !== undefined && !tcp.tryAdd(peer)) {
      refused('tcp', peer);
      socket.destroy();
      return;
    }
    const cancel = clock.setTimer(() => {
      waiting.delete(socket);
      socket.destroy();
    }, options.handshakeTimeoutMs);
    waiting.set(socket, cancel);
    socket.once('close', () => {
      if (peer !== undefined) tcp.remove(peer);
      waiting.get(socket)?.();
      waiting.delete(socket);
    });
  });
  const requested = (request: IncomingMessage) => {
    const socket = request.socket as TcpSocket;
    waiting.get(socket)?.();
    waiting.delete(socket);
  };
  http.on('request', requested);
  http.on('upgrade', requested);

  return {
    admitSession(request) {
      const address = limitKey(clientAddress(request, trusted));
      if (sessions.count(address) + pending.count(address) >= sessions.limit) {
        refused('sessions', address);
        return false;
      }
      // Engine.IO opens the session once it has an id, a promise later; by the next turn of the loop it has.
      pending.tryAdd(address);
      setImmediate(() => pending.remove(address));
      return true;
    },
    trackSession(session) {
      const address = limitKey(clientAddress(session.request, trusted));
      sessions.add(address);
      session.once('close', () => sessions.remove(address));
    },
    sessionsOf(address) {
      return sessions.count(address);
    },
  };
}
