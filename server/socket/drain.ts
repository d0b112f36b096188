import type { Clock } from '../clock';
import type { FeedIo } from './socket-server';

export interface DrainOptions {
  /** Each connection is closed at a random moment within this window. */
  spreadMs: number;
  clock: Clock;
  reason?: string;
}

/**
 * Asks every connection of this process to reconnect elsewhere, and closes each at a random moment within
 * `spreadMs`, so the clients of a stopping server arrive at the others spread out, not all in one burst. The
 * transport is closed rather than the socket disconnected: a Socket.IO client then reconnects by itself (with its
 * own randomized backoff), as after a network drop. Resolves once every connection has gone, or a second after the window.
 */
export async function drainConnections(io: FeedIo, options: DrainOptions): Promise<void> {
  const { spreadMs, clock } = options;
  const reason = options.reason ?? 'server restarting';
  const sockets = [...io.of('/').sockets.values()];
  // A transport that never reports its close (a poll that does not come back) must not hold the stop up.
  let stopWaiting: () => void = () => {};
  const bounded = new Promise<void>((resolve) => {
    stopWaiting = clock.setTimer(resolve, spreadMs + 1000);
  });
  const all = Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          if (socket.disconnected) return resolve();
          const afterMs = Math.floor(Math.random() * spreadMs);
          socket.emit('notice', { type: 'reconnect', reason, afterMs });
          const cancel = clock.setTimer(() => socket.conn.close(), afterMs);
          socket.once('disconnect', () => {
            cancel();
            resolve();
          });
        }),
    ),
  );
  await Promise.race([all, bounded]);
  stopWaiting();
}
