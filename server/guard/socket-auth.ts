import type { Server, Socket } from 'socket.io';
import type { Goodbye } from '../../lib/protocol';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { TokenError, type TokenVerifier } from './token';

const MAX_TIMER_MS = 2 ** 31 - 1;

/** What of a Socket.IO server the gate needs; the feed's typed server is one. */
type AnyServer = Pick<Server, 'use' | 'on'>;

/**
 * With AUTH_SECRET set, a socket connects only with a valid token in its handshake's `auth` payload
 * (`io(url, { auth: { token } })`, never the URL, which proxies and logs keep). Refused: `connect_error` with the
 * TokenError's message. Admitted: when the token expires the connection is told why (`goodbye`) and closed.
 */
export function requireSocketToken(io: AnyServer, verify: TokenVerifier, clock: Clock, logger: Logger): void {
  const expiries = new WeakMap<Socket, number>();
  io.use((socket, next) => {
    const auth = socket.handshake.auth as Record<string, unknown> | undefined;
    verify(auth?.token).then(
      (grant) => {
        expiries.set(socket, grant.expiresAt);
        // Nothing reads the token afterwards; it should not sit in memory for the connection's life.
        socket.handshake.auth = {};
        next();
      },
      (error: unknown) => {
        if (error instanceof TokenError) return next(error);
        logger.error({ err: error }, 'token check failed');
        next(new Error('unauthorized: the token could not be checked'));
      },
    );
  });
  io.on('connection', (socket: Socket) => {
    const expiresAt = expiries.get(socket);
    if (expiresAt === undefined) return;
    let cancel = (): void => {};
    // A timer fires at most 2^31 - 1 ms (24.8 days) ahead; a longer token is checked again then.
    const check = (): void => {
      const left = expiresAt - clock.now();
      if (left > 0) {
        cancel = clock.setTimer(check, Math.min(left, MAX_TIMER_MS));
        return;
      }
      const goodbye: Goodbye = { code: 'TOKEN_EXPIRED', message: 'session ended: the token expired' };
      socket.emit('goodbye', goodbye);
      socket.disconnect(true);
    };
    check();
    socket.once('disconnect', () => cancel());
  });
}
