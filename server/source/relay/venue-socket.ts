import WebSocket from 'ws';
import type { Clock } from '../../clock';
import type { Logger } from '../../logger';
import { createBackoff, type Backoff } from './backoff';

export interface VenueSocketHandlers {
  /** A connection opened: subscribe on it with `send` (paced to the venue's message rate). */
  open(send: (message: string) => void): void;
  message(text: string): void;
  /** Every connection is gone, for `reason`; the socket reconnects by itself after a backoff. */
  down(reason: string): void;
}

export interface VenueSocketOptions {
  venue: string;
  /** Where to connect, asked again at each attempt. */
  url: () => string;
  clock: Clock;
  logger: Logger;
  handlers: VenueSocketHandlers;
  /** Messages the venue accepts per second from a client (Binance: 5); sends beyond it wait their turn. */
  messagesPerSecond?: number;
  /** A ping goes out after this much quiet; no pong or message within as long again drops the connection. */
  pingMs?: number;
  /**
   * Replace the connection after this long (Binance closes each at 24 h): a new one opens and the old one closes only
   * once the new one delivers, so nothing is missed.
   */
  rotateMs?: number;
  backoff?: Backoff;
}

interface Link {
  ws: WebSocket;
  delivered: boolean;
  lastHeard: number;
  stopTimers: (() => void)[];
  /** When the previous send may leave, unix ms (pacing). */
  nextSendAt: number;
}

/**
 * One logical connection to a venue's WebSocket: it pings through quiet spells, reconnects after any loss with
 * capped exponential backoff and full jitter, paces what it sends, and rotates before a venue's forced disconnect.
 * It knows the venue's transport, not its messages.
 */
export class VenueSocket {
  private readonly options: VenueSocketOptions;
  private readonly backoff: Backoff;
  private links: Link[] = [];
  private stopped = false;
  private cancelRetry: (() => void) | undefined;

  constructor(options: VenueSocketOptions) {
    this.options = options;
    this.backoff = options.backoff ?? createBackoff();
  }

  start(): void {
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.cancelRetry?.();
    for (const link of this.links) this.drop(link, 'stopped');
    this.links = [];
  }

  private connect(): void {
    if (this.stopped) return;
    const { clock, logger, venue, handlers } = this.options;
    const url = this.options.url();
    const ws = new WebSocket(url, { handshakeTimeout: 10_000 });
    const link: Link = { ws, delivered: false, lastHeard: clock.now(), stopTimers: [], nextSendAt: 0 };
    this.links.push(link);
    const heard = (): void => {
      link.lastHeard = clock.now();
    };
    ws.on('open', () => {
      heard();
      logger.info({ venue, url: redact(url) }, 'venue connected');
      this.watch(link);
      handlers.open((message) => this.send(link, message));
    });
    ws.on('message', (data, isBinary) => {
      heard();
      if (!link.delivered) {
        link.delivered = true;
        this.backoff.reset();
        // Make before break: the replacement delivers, so the connection it replaces can go.
        for (const other of this.links) if (other !== link) this.drop(other, 'rotated');
        this.links = [link];
      }
      handlers.message(isBinary ? Buffer.from(data as Buffer).toString('utf8') : String(data));
    });
    ws.on('pong', heard);
    ws.on('ping', heard);
    ws.on('error', (error) => {
      logger.warn({ venue, err: error.message }, 'venue connection error');
    });
    ws.on('close', (code, reason) => {
      this.lost(link, `connection closed (${code}${reason.length > 0 ? ` ${reason.toString()}` : ''})`);
    });
  }

  private watch(link: Link): void {
    const { clock, pingMs = 15_000, rotateMs } = this.options;
    const check = (): void => {
      const quiet = clock.now() - link.lastHeard;
      if (quiet >= 2 * pingMs) {
        link.ws.terminate();
        this.lost(link, `no pong or message for ${quiet} ms`);
        return;
      }
      if (quiet >= pingMs && link.ws.readyState === WebSocket.OPEN) link.ws.ping();
      link.stopTimers[0] = clock.setTimer(check, Math.max(50, pingMs / 2));
    };
    link.stopTimers[0] = clock.setTimer(check, Math.max(50, pingMs / 2));
    if (rotateMs !== undefined) {
      link.stopTimers[1] = clock.setTimer(() => {
        this.options.logger.info({ venue: this.options.venue }, 'rotating the venue connection');
        this.connect();
      }, rotateMs);
    }
  }

  private send(link: Link, message: string): void {
    const { clock, messagesPerSecond } = this.options;
    const now = clock.now();
    const at = messagesPerSecond === undefined ? now : Math.max(now, link.nextSendAt);
    link.nextSendAt = at + (messagesPerSecond === undefined ? 0 : Math.ceil(1000 / messagesPerSecond));
    const write = (): void => {
      if (link.ws.readyState === WebSocket.OPEN) link.ws.send(message);
    };
    if (at <= now) write();
    else link.stopTimers.push(clock.setTimer(write, at - now));
  }

  private drop(link: Link, reason: string): void {
    for (const stop of link.stopTimers) stop();
    link.stopTimers = [];
    link.ws.removeAllListeners('close');
    link.ws.on('error', () => {});
    if (link.ws.readyState === WebSocket.CONNECTING) link.ws.terminate();
    else link.ws.close(1000, reason);
  }

  private lost(link: Link, reason: string): void {
    if (!this.links.includes(link)) return;
    for (const stop of link.stopTimers) stop();
    link.stopTimers = [];
    link.ws.removeAllListeners('close');
    this.links = this.links.filter((other) => other !== link);
    if (this.stopped || this.links.length > 0) return;
    const delay = this.backoff.next();
    this.options.logger.warn(
      { venue: this.options.venue, reason, retryInMs: delay },
      'venue connection lost',
    );
    this.options.handlers.down(reason);
    this.cancelRetry = this.options.clock.setTimer(() => this.connect(), delay);
  }
}

/** A URL for the logs, without its query (Finnhub's token travels there). */
export function redact(url: string): string {
  const parsed = new URL(url);
  parsed.search = '';
  return parsed.toString();
}
