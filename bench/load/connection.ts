import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { wallClock } from './recorder';

/** RFC 6455, 1.3: what the server hashes with the client's key to prove it speaks WebSocket. */
const ACCEPT_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

/**
 * One client's WebSocket (RFC 6455) over a plain TCP socket, with what the bench needs: the TCP bytes read
 * (framing included), a read-rate limit for slow consumers, and whether the server closed it.
 *
 * The load generator holds every client of a run in one process on one core, and must not be what limits a run.
 * A `ws` WebSocket per client costs a stream the frames are piped through and several events per message; here a
 * chunk read from the socket is parsed in place, each message handed on as a slice of it, with one clock reading
 * per chunk. Only what a client of the bench's servers needs is here: no extensions, no subprotocols, messages of
 * any size and fragmentation, pings answered, a close frame from the server answered and counted as a drop.
 */
export class Connection {
  private readonly socket: Socket;
  private readonly accept: string;
  private readonly onMessage: (message: string | Buffer, receivedAt: number) => void;
  private open = false;
  /** Bytes read that do not yet make a whole handshake or frame, and how many are needed to go on. */
  private unread: Buffer[] = [];
  private unreadBytes = 0;
  private needed = 0;
  /** The parts of a fragmented message, and its opcode. */
  private fragments: Buffer[] = [];
  private fragmentsOpcode = OP_BINARY;
  private bytesPerSec = 0;
  private resumeTimer: NodeJS.Timeout | undefined;
  private settleOpen: ((error?: Error) => void) | undefined;
  /** Closed by the server or the network, not by `close()`. */
  dropped = false;
  private closing = false;
  /** Resolves when the WebSocket is open; rejects if it closes or fails first. */
  readonly opened: Promise<void>;

  /** `onMessage` gets text messages as strings and binary ones as Buffers. */
  constructor(url: string, onMessage: (message: string | Buffer, receivedAt: number) => void) {
    const { hostname, port, pathname, search } = new URL(url);
    const key = randomBytes(16).toString('base64');
    this.accept = createHash('sha1')
      .update(key + ACCEPT_GUID)
      .digest('base64');
    this.onMessage = onMessage;
    this.opened = new Promise((resolve, reject) => {
      this.settleOpen = (error) => {
        this.settleOpen = undefined;
        if (error) reject(error);
        else resolve();
      };
    });
    this.socket = connect(Number(port), hostname);
    this.socket.setNoDelay(true);
    this.socket.once('connect', () => {
      this.socket.write(
        `GET ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\n` +
          `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    this.socket.on('data', (chunk: Buffer) => this.read(chunk));
    // An error is followed by 'close', where it counts.
    this.socket.on('error', () => {});
    this.socket.on('close', () => {
      clearTimeout(this.resumeTimer);
      this.open = false;
      if (!this.closing) this.dropped = true;
      this.settleOpen?.(new Error('closed before opening'));
    });
  }

  get bytesRead(): number {
    return this.socket.bytesRead;
  }

  send(message: string | Buffer): void {
    if (typeof message === 'string') this.sendFrame(OP_TEXT, Buffer.from(message));
    else this.sendFrame(OP_BINARY, message);
  }

  /**
   * Reads at most `bytesPerSec` on average: after each chunk the socket stops reading for as long as the chunk
   * should have taken, so the kernel buffers fill and the server sees a slow reader. 0 reads at full speed.
   */
  throttle(bytesPerSec: number): void {
    this.bytesPerSec = bytesPerSec;
    if (bytesPerSec > 0) return;
    clearTimeout(this.resumeTimer);
    this.socket.resume();
  }

  close(): void {
    this.closing = true;
    this.open = false;
    clearTimeout(this.resumeTimer);
    this.socket.destroy();
  }

  private read(chunk: Buffer): void {
    const receivedAt = wallClock();
    this.unread.push(chunk);
    this.unreadBytes += chunk.length;
    if (this.unreadBytes >= this.needed) {
      const data = this.unread.length === 1 ? chunk : Buffer.concat(this.unread, this.unreadBytes);
      const used = this.parse(data, receivedAt);
      const rest = data.length - used;
      this.unread = rest > 0 ? [data.subarray(used)] : [];
      this.unreadBytes = rest;
    }
    this.limitRate(chunk.length);
  }

  /** Handles every whole handshake and frame at the start of `data`; returns the bytes they took. */
  private parse(data: Buffer, receivedAt: number): number {
    let offset = 0;
    if (!this.open && this.settleOpen) {
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) {
        this.needed = data.length + 1;
        return 0;
      }
      const head = data.toString('latin1', 0, end);
      if (!/^HTTP\/1\.1 101 /.test(head) || !head.includes(this.accept)) {
        this.settleOpen(new Error(`upgrade refused: ${head.split('\r\n')[0] ?? ''}`));
        this.socket.destroy();
        return data.length;
      }
      this.open = true;
      this.settleOpen();
      offset = end + 4;
    }
    this.needed = 2;
    while (this.open && data.length - offset >= 2) {
      const first = data[offset] as number;
      const second = data[offset + 1] as number;
      let length = second & 0x7f;
      let header = 2;
      if (length === 126) header = 4;
      else if (length === 127) header = 10;
      if (data.length - offset < header) {
        this.needed = header;
        break;
      }
      if (length === 126) length = data.readUInt16BE(offset + 2);
      else if (length === 127)
        length = data.readUInt32BE(offset + 2) * 2 ** 32 + data.readUInt32BE(offset + 6);
      if (data.length - offset < header + length) {
        this.needed = header + length;
        break;
      }
      if (second & 0x80) {
        // A server's frames are never masked (RFC 6455, 5.1).
        this.socket.destroy();
        return data.length;
      }
      this.frame(
        first >> 7 === 1,
        first & 0x0f,
        data.subarray(offset + header, offset + header + length),
        receivedAt,
      );
      offset += header + length;
      this.needed = 2;
    }
    return this.open ? offset : data.length;
  }

  private frame(fin: boolean, opcode: number, payload: Buffer, receivedAt: number): void {
    switch (opcode) {
      case OP_PING:
        this.sendFrame(OP_PONG, payload);
        return;
      case OP_PONG:
        return;
      case OP_CLOSE:
        // The server is closing: answer with its status, as the protocol asks, and let the socket end.
        this.sendFrame(OP_CLOSE, payload.subarray(0, 2));
        this.open = false;
        this.socket.end();
        return;
      case OP_CONTINUATION:
        this.fragments.push(payload);
        if (fin) {
          const whole = Buffer.concat(this.fragments);
          this.fragments = [];
          this.deliver(this.fragmentsOpcode, whole, receivedAt);
        }
        return;
      default:
        if (fin) return this.deliver(opcode, payload, receivedAt);
        this.fragmentsOpcode = opcode;
        this.fragments = [payload];
    }
  }

  private deliver(opcode: number, payload: Buffer, receivedAt: number): void {
    this.onMessage(opcode === OP_TEXT ? payload.toString('utf8') : payload, receivedAt);
  }

  /** Sends one final frame, masked as a client's must be. */
  private sendFrame(opcode: number, payload: Buffer): void {
    if (!this.open) return;
    const length = payload.length;
    const header = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
    const frame = Buffer.allocUnsafe(header + 4 + length);
    frame[0] = 0x80 | opcode;
    if (length < 126) frame[1] = 0x80 | length;
    else if (length < 0x10000) {
      frame[1] = 0x80 | 126;
      frame.writeUInt16BE(length, 2);
    } else {
      frame[1] = 0x80 | 127;
      frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
      frame.writeUInt32BE(length >>> 0, 6);
    }
    randomFillSync(frame, header, 4);
    for (let i = 0; i < length; i++) {
      frame[header + 4 + i] = (payload[i] as number) ^ (frame[header + (i & 3)] as number);
    }
    this.socket.write(frame);
  }

  private limitRate(bytes: number): void {
    if (this.bytesPerSec <= 0) return;
    this.socket.pause();
    clearTimeout(this.resumeTimer);
    this.resumeTimer = setTimeout(() => this.socket.resume(), (bytes / this.bytesPerSec) * 1000);
  }
}
