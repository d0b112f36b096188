import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/** What takes a WebSocket upgrade: the request, its socket and the first bytes after the request's head. */
export type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

export interface UpgradeRoutes {
  /** Socket.IO's path with its trailing slash (`/socket.io/`): an upgrade whose target starts with it is Socket.IO's. */
  socketIoPath: string;
  socketIo: UpgradeHandler;
  /** Every other upgrade (Next's HMR socket, `/_next/hmr`, in development); refused with a 404 without it. */
  other?: UpgradeHandler | undefined;
}

/**
 * The one listener for every WebSocket upgrade of the server, so that each goes to exactly one handler: Socket.IO's
 * path to Socket.IO, anything else to `other`. Left to themselves, Engine.IO and Next each listen for every upgrade:
 * Engine.IO ends a socket of another path that nothing has written to within a second (a slow HMR handshake), and
 * Next runs its route resolution on every Socket.IO connection.
 */
export function routeUpgrades(routes: UpgradeRoutes): UpgradeHandler {
  return (request, socket, head) => {
    if ((request.url ?? '').startsWith(routes.socketIoPath)) routes.socketIo(request, socket, head);
    else if (routes.other) routes.other(request, socket, head);
    else refuse(socket);
  };
}

function refuse(socket: Duplex): void {
  socket.on('error', () => socket.destroy());
  socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
}
