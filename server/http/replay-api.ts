import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { ReplayState } from '../../lib/protocol';

/** What the dashboard may do to a replay. */
export interface ReplayControls {
  state(): ReplayState;
  play(): void;
  pause(): void;
  setSpeed(speed: number): void;
  /** Moves to a time on the recording's clock (unix ms), rebuilding the market there. */
  seek(time: number): void;
}

/** One command per request: `{"action":"play"}`, `{"action":"pause"}`, `{"speed":4}` or `{"seek":<unix ms>}`. */
const command = z.union([
  z.strictObject({ action: z.enum(['play', 'pause']) }),
  z.strictObject({ speed: z.number().min(0).max(10_000) }),
  z.strictObject({ seek: z.number().int().min(0) }),
]);

const MAX_BODY_BYTES = 1024;

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  response.end(JSON.stringify(body));
}

/**
 * `GET /api/replay` (the replay's state) and `POST /api/replay` (a command, as JSON: a page of another site cannot
 * send that without a preflight, which is never granted). Returns false for other paths.
 */
export function replayApi(controls: ReplayControls) {
  return (request: IncomingMessage, response: ServerResponse, url: URL): boolean => {
    if (url.pathname !== '/api/replay') return false;
    if (request.method === 'GET' || request.method === 'HEAD') {
      send(response, 200, controls.state());
      return true;
    }
    if (request.method !== 'POST') {
      response.setHeader('allow', 'GET, HEAD, POST');
      send(response, 405, { error: { code: 'METHOD_NOT_ALLOWED', message: 'use GET or POST' } });
      return true;
    }
    if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
      send(response, 415, { error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send application/json' } });
      return true;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => {
      let body: unknown;
      try {
        body = size > MAX_BODY_BYTES ? undefined : JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      const parsed = command.safeParse(body);
      if (!parsed.success) {
        send(response, 400, {
          error: {
            code: 'INVALID_REQUEST',
            message: 'send {"action":"play"|"pause"}, {"speed":n} or {"seek":ms}',
          },
        });
        return;
      }
      const given = parsed.data;
      if ('action' in given) {
        if (given.action === 'play') controls.play();
        else controls.pause();
      } else if ('speed' in given) controls.setSpeed(given.speed);
      else controls.seek(given.seek);
      send(response, 200, controls.state());
    });
    return true;
  };
}
