import { io, type Socket } from 'socket.io-client';
import type { Interval } from '../../lib/intervals';
import * as msgpackParser from 'socket.io-msgpack-parser';
import {
  type CandleRequest,
  type CandlesSubscribed,
  type CandlesUnsubscribed,
  type ClientToServerEvents,
  type Frame,
  type Hello,
  type Refused,
  type ServerToClientEvents,
  type StatusUpdate,
  type Subscribed,
  type Unsubscribed,
} from '../../lib/protocol';
import { ClientMirror } from './client-mirror';

export type FeedSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface ConnectOptions {
  /** The Socket.IO parser: socket.io-msgpack-parser, as any third-party client would use, unless given another. */
  parser?: object;
  /** Sent as the handshake's Origin header, as a browser would. */
  origin?: string;
  /** How long a request waits for its acknowledgement. */
  ackTimeoutMs?: number;
  /** Socket.IO's transports, in order of trial; WebSocket only by default (a browser starts polling). */
  transports?: ('websocket' | 'polling')[];
  /** Asks the server for binary packets as base64 text, as a client without binary support does. */
  forceBase64?: boolean;
  /** The certificate authority to trust over https and wss (a test's self-signed certificate). */
  ca?: string;
  /** More handshake headers (a Host, as a rebinding browser would send its own). */
  headers?: Record<string, string>;
  /** The handshake's `auth` payload (a token: `{ token }`). */
  auth?: Record<string, unknown>;
}

const open = new Set<FeedClient>();

/**
 * A real socket.io client of the feed, over WebSocket only unless given other transports. It records every frame
 * and keeps a `ClientMirror` of what it was sent; the typed requests apply their acknowledgement to the mirror in the acknowledgement
 * callback itself, before any later frame is handled, exactly as a browser store must.
 */
export class FeedClient {
  readonly socket: FeedSocket;
  /** Every frame received, in order. */
  readonly frames: Frame[] = [];
  readonly mirror = new ClientMirror();
  /** Every status update received, in order (the first one lists every symbol). */
  readonly statusUpdates: StatusUpdate[] = [];
  /** The server's hello (it is sent once, on connection). */
  readonly hello: Promise<Hello>;
  private readonly connection: Promise<void>;
  private readonly ackTimeoutMs: number;

  constructor(url: string, options: ConnectOptions = {}) {
    this.ackTimeoutMs = options.ackTimeoutMs ?? 5000;
    this.socket = io(url, {
      transports: options.transports ?? ['websocket'],
      parser: options.parser ?? msgpackParser,
      forceNew: true,
      reconnection: false,
      forceBase64: options.forceBase64 ?? false,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
      extraHeaders: {
        ...options.headers,
        ...(options.origin === undefined ? {} : { origin: options.origin }),
      },
      ...(options.auth === undefined ? {} : { auth: options.auth }),
    });
    this.hello = new Promise((resolve) => this.socket.once('hello', resolve));
    this.connection = new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', reject);
    });
    // Only some tests await the connection; a refused handshake must not turn into an unhandled rejection.
    // The refusal stays observable through connected().
    this.connection.catch(() => {});
    this.socket.on('status', (update) => this.statusUpdates.push(update));
    this.socket.on('frame', (frame) => {
      this.frames.push(frame);
      this.mirror.frame(frame);
    });
  }

  /** Resolves once the handshake succeeded; rejects with the server's refusal. */
  connected(): Promise<void> {
    return this.connection;
  }

  /** Any event with any arguments (also ones the protocol does not allow), resolving with the acknowledgement. */
  emitWithAck(event: string, ...args: unknown[]): Promise<unknown> {
    return (this.socket as unknown as Socket).timeout(this.ackTimeoutMs).emitWithAck(event, ...args);
  }

  subscribe(symbols: readonly string[]): Promise<Subscribed | Refused> {
    return this.request<Subscribed>('subscribe', { symbols }, (ack) => this.mirror.subscribed(ack));
  }

  unsubscribe(symbols: readonly string[]): Promise<Unsubscribed | Refused> {
    return this.request<Unsubscribed>('unsubscribe', { symbols }, () => this.mirror.unsubscribed(symbols));
  }

  subscribeCandles(request: CandleRequest): Promise<CandlesSubscribed | Refused> {
    return this.request<CandlesSubscribed>('subscribeCandles', request, (ack) =>
      this.mirror.candlesSubscribed(ack),
    );
  }

  unsubscribeCandles(symbol: string, interval: Interval): Promise<CandlesUnsubscribed | Refused> {
    return this.request<CandlesUnsubscribed>('unsubscribeCandles', { symbol, interval }, () =>
      this.mirror.candlesUnsubscribed(symbol, interval),
    );
  }

  /** The next frame received after this call that satisfies `accept`; rejects after `timeoutMs`. */
  nextFrame(timeoutMs: number, accept: (frame: Frame) => boolean = () => true): Promise<Frame> {
    return new Promise((resolve, reject) => {
      const onFrame = (frame: Frame): void => {
        if (!accept(frame)) return;
        stop();
        resolve(frame);
      };
      const stop = (): void => {
        clearTimeout(timer);
        this.socket.off('frame', onFrame);
      };
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`no matching frame within ${timeoutMs} ms`));
      }, timeoutMs);
      this.socket.on('frame', onFrame);
    });
  }

  close(): void {
    this.socket.disconnect();
    open.delete(this);
  }

  private request<T extends { ok: true }>(
    event: keyof ClientToServerEvents,
    payload: unknown,
    onAccepted: (ack: T) => void,
  ): Promise<T | Refused> {
    return new Promise((resolve, reject) => {
      (this.socket as unknown as Socket)
        .timeout(this.ackTimeoutMs)
        .emit(event, payload, (error: Error | null, response: T | Refused) => {
          if (error) {
            reject(new Error(`no acknowledgement of ${event} within ${this.ackTimeoutMs} ms`));
            return;
          }
          if (response.ok) onAccepted(response);
          resolve(response);
        });
    });
  }
}

/** Connects a new client to a test feed; `closeClients` disconnects it. */
export function connectClient(feed: { url: string }, options: ConnectOptions = {}): FeedClient {
  const client = new FeedClient(feed.url, options);
  open.add(client);
  return client;
}

/** Disconnects every client `connectClient` opened and that is still open. */
export function closeClients(): void {
  for (const client of [...open]) client.close();
}
