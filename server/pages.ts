import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import next from 'next';
import type { UpgradeHandler } from './http/upgrades';

export interface Pages {
  /** Serves a request for a page or its assets; settles once answered. */
  handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>;
  /** In development, takes Next's own WebSocket upgrades (its HMR socket); Next has none in production. */
  upgrade: UpgradeHandler | undefined;
  close: () => Promise<void>;
}

/** The Next.js dashboard, built by `npm run build` (or compiled on demand with `dev`), ready to serve. */
export async function loadPages(dev: boolean): Promise<Pages> {
  // Next listens for upgrades on the server it is given, or else, from its first request on, on the server that
  // request came through: every upgrade, Socket.IO's too. It is given one that never listens, and is handed only
  // the upgrades that are not Socket.IO's (its public getUpgradeHandler() does nothing for a custom server).
  const upgrades = createServer();
  const app = next({ dev, dir: fileURLToPath(new URL('..', import.meta.url)), httpServer: upgrades });
  const handle = app.getRequestHandler();
  await app.prepare();
  return {
    handle: (request, response) => handle(request, response),
    upgrade: dev
      ? (request, socket, head) => {
          // Next listens once it has served its first request; an HMR socket before that is asked again.
          if (!upgrades.emit('upgrade', request, socket, head)) socket.destroy();
        }
      : undefined,
    close: () => app.close(),
  };
}
