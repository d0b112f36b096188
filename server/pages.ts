import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import next from 'next';

export interface Pages {
  /** Serves a request for a page or its assets; settles once answered. */
  handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>;
  close: () => Promise<void>;
}

/** The Next.js dashboard, built by `npm run build` (or compiled on demand with `dev`), ready to serve. */
export async function loadPages(dev: boolean): Promise<Pages> {
  const app = next({ dev, dir: fileURLToPath(new URL('..', import.meta.url)) });
  const handle = app.getRequestHandler();
  await app.prepare();
  return {
    handle: (request, response) => handle(request, response),
    close: () => app.close(),
  };
}
