import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import { wallClock } from './recorder';

/**
 * One client's WebSocket, with what the bench needs beyond `ws`: the TCP bytes read (framing included), a
 * read-rate limit for slow consumers, and whether the server closed it.
 */
export class Connection {
  private readonly ws: WebSocket;
  private socket: Socket | undefined;
  private bytesPerSec = 0;
  private resumeTimer: NodeJS.Timeout | undefined;
  /** Closed by the server or the network, not by `close()`. */
  dropped = false;
  private closing = false;
  /** Resolves when the WebSocket is open; rejects if it closes or fails first. */
  readonly opened: Promise<void>;

  /** `onMessage` gets text messages as strings and binary ones as Buffers. */
  constructor(url: string, onMessage: (message: string | Buffer, receivedAt: number) => void) {
    this.ws = new WebSocket(url, { perMessageDeflate: false });
    this.ws.on('upgrade', (response) => {
      this.socket = response.socket as Socket;
    });
    this.ws.on('message', (data, isBinary) => {
      onMessage(isBinary ? (data as Buffer) : String(data), wallClock());
    });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => {
        this.socket?.on('data', (chunk: Buffer) => this.limitRate(chunk.length));
        resolve();
      });
      this.ws.once('error', reject);
      this.ws.once('close', () => reject(new Error('closed before opening')));
    });
    // A failed open is reported through `opened`; later errors end in 'close' and count as a drop.
    this.ws.on('error', () => {});
    this.ws.on('close', () => {
      clearTimeout(this.resumeTimer);
      if (!this.closing) this.dropped = true;
    });
  }

  get bytesRead(): number {
    return this.socket?.bytesRead ?? 0;
  }

  send(message: string | Buffer): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(message);
  }

  /**
   * Reads at most `bytesPerSec` on average: after each chunk the socket stops reading for as long as the chunk
   * should have taken, so the kernel buffers fill and the server sees a slow reader. 0 reads at full speed.
   */
  throttle(bytesPerSec: number): void {
    this.bytesPerSec = bytesPerSec;
    if (bytesPerSec > 0) return;
    clearTimeout(this.resumeTimer);
    this.ws.resume();
  }

  close(): void {
    this.closing = true;
    clearTimeout(this.resumeTimer);
    this.ws.terminate();
  }

  private limitRate(bytes: number): void {
    if (this.bytesPerSec <= 0) return;
    this.ws.pause();
    clearTimeout(this.resumeTimer);
    this.resumeTimer = setTimeout(() => this.ws.resume(), (bytes / this.bytesPerSec) * 1000);
  }
}
