import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { wallClock } from './recorder';

/** RFC 6455, 1.3: what the server hashes with the client's key to prove it speaks WebSocket. */
const ACCEPT_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
export const OP_CONTINUATION = 0x0;
export const OP_TEXT = 0x1;
export const OP_BINARY = 0x2;
export const OP_CLOSE = 0x8;
export const OP_PING = 0x9;
export const OP_PONG = 0xa;
/** How long a server may take to answer the upgrade request. */
const HANDSHAKE_TIMEOUT_MS = 20_000;

/** The `Sec-WebSocket-Accept` a server must answer `key` with. */
export function acceptFor(key: string): string {
  return createHash('sha1')
    .update(key + ACCEPT_GUID)
    .digest('base64');
}

/** What `ServerStreamParser` finds in what a server sends. */
export interface ServerStreamEvents {
  /** The server accepted the upgrade; frames follow. */
  open(): void;
  /** A data message, reassembled if it came in fragments. */
  message(opcode: typeof OP_TEXT | typeof OP_BINARY, payload: Buffer): void;
  ping(payload: Buffer): void;
  /** The server's close frame; nothing after it is read. */
  close(payload: Buffer): void;
  /** The upgrade was refused or the server broke the protocol; nothing more is read. */
  fail(reason: string): void;
}

/**
 * Reads what a server sends to a WebSocket client (RFC 6455): the answer to the upgrade request, then frames.
 * Chunks are parsed in place, each message handed on as a slice of what was read; bytes that do not yet make a
 * whole answer or frame wait, and are joined only once enough have come to go on.
 */
export class ServerStreamParser {
  state: 'handshake' | 'open' | 'done' = 'handshake';
  private readonly accept: string;
  private readonly events: ServerStreamEvents;
  private unread: Buffer[] = [];
  private unreadBytes = 0;
  /** Unread bytes needed before parsing can go on. */
  private needed = 0;
  /** The parts of a fragmented message, and its opcode; undefined between messages. */
  private fragments: Buffer[] | undefined;
  private fragmentsOpcode: typeof OP_TEXT | typeof OP_BINARY = OP_BINARY;

  constructor(accept: string, events: ServerStreamEvents) {
    this.accept = accept;
    this.events = events;
  }

  push(chunk: Buffer): void {
    if (this.state === 'done') return;
    this.unread.push(chunk);
    this.unreadBytes += chunk.length;
    if (this.unreadBytes < this.needed) return;
    const data = this.unread.length === 1 ? chunk : Buffer.concat(this.unread, this.unreadBytes);
    const used = this.parse(data);
    const rest = this.finished ? 0 : data.length - used;
    this.unread = rest > 0 ? [data.subarray(used)] : [];
    this.unreadBytes = rest;
  }

  /** Whether nothing more is read: the server closed, refused, or broke the protocol. */
  get finished(): boolean {
    return this.state === 'done';
  }

  /** Handles the whole answer and frames at the start of `data`; returns the bytes they took. */
  private parse(data: Buffer): number {
    let offset = 0;
    if (this.state === 'handshake') {
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) {
        this.needed = data.length + 1;
        return 0;
      }
      const head = data.toString('latin1', 0, end);
      const accepted = /^HTTP\/1\.1 101 /.test(head) && /^sec-websocket-accept:\s*(\S+)/im.exec(head)?.[1];
      if (accepted !== this.accept) return this.fail(`upgrade refused: ${head.split('\r\n')[0] ?? ''}`);
      this.state = 'open';
      this.events.open();
      offset = end + 4;
    }
    this.needed = 2;
    while (this.state === 'open' && data.length - offset >= 2) {
      const first = data[offset] as number;
      const second = data[offset + 1] as number;
      // No extension was negotiated, so no reserved bit may be set; a server's frames are never masked (5.1).
      if (first & 0x70) return this.fail('reserved bits set');
      if (second & 0x80) return this.fail('masked frame from the server');
      let length = second & 0x7f;
      const header = length === 126 ? 4 : length === 127 ? 10 : 2;
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
      // Control frames (close, ping, pong) are whole and short (5.5).
      if (first & 0x08 && (!(first & 0x80) || length > 125))
        return this.fail('a fragmented or long control frame');
      const payload = data.subarray(offset + header, offset + header + length);
      offset += header + length;
      this.needed = 2;
      this.frame((first & 0x80) !== 0, first & 0x0f, payload);
    }
    return offset;
  }

  private frame(fin: boolean, opcode: number, payload: Buffer): void {
    switch (opcode) {
      case OP_TEXT:
      case OP_BINARY:
        if (this.fragments) return void this.fail('a new message inside a fragmented one');
        if (fin) return this.events.message(opcode, payload);
        this.fragments = [payload];
        this.fragmentsOpcode = opcode;
        return;
      case OP_CONTINUATION: {
        if (!this.fragments) return void this.fail('a continuation with no message to continue');
        this.fragments.push(payload);
        if (!fin) return;
        const whole = Buffer.concat(this.fragments);
        this.fragments = undefined;
        return this.events.message(this.fragmentsOpcode, whole);
      }
      case OP_PING:
        return this.events.ping(payload);
      case OP_PONG:
        return;
      case OP_CLOSE:
        this.state = 'done';
        return this.events.close(payload);
      default:
        this.fail(`unknown opcode ${opcode}`);
    }
  }

  private fail(reason: string): number {
    this.state = 'done';
    this.events.fail(reason);
    return 0;
  }
}

/**
 * One client's WebSocket over a plain TCP socket, with what the bench needs: the TCP bytes read (framing
 * included), a read-rate limit for slow consumers, and whether the server closed it.
 *
 * The load generator holds every client of a run in one process on one core, and must not be what limits a run.
 * A `ws` WebSocket per client costs a stream the frames are piped through and several events per message; here
 * each chunk read is parsed in place (`ServerStreamParser`) with one clock reading per chunk. Only what a client
 * of the bench's servers needs: no extensions or subprotocols; pings and the server's close answered.
 */
export class Connection {
  private readonly socket: Socket;
  private readonly parser: ServerStreamParser;
  private open = false;
  private receivedAt = 0;
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
    const host = hostname.replace(/^\[(.*)\]$/, '$1');
    const key = randomBytes(16).toString('base64');
    this.parser = new ServerStreamParser(acceptFor(key), {
      open: () => {
        this.open = true;
        this.settleOpen?.();
      },
      message: (opcode, payload) => {
        // A client closed by a message before it (a test, say) takes no more from the same read.
        if (this.closing) return;
        onMessage(opcode === OP_TEXT ? payload.toString('utf8') : payload, this.receivedAt);
      },
      ping: (payload) => this.sendFrame(OP_PONG, payload),
      close: (payload) => {
        // The server is closing: answer with its status, as the protocol asks, and let the socket end.
        this.sendFrame(OP_CLOSE, payload.subarray(0, 2));
        this.open = false;
        this.socket.end();
      },
      fail: (reason) => {
        this.settleOpen?.(new Error(reason));
        this.socket.destroy();
      },
    });
    this.opened = new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.settleOpen?.(new Error(`no answer to the upgrade within ${HANDSHAKE_TIMEOUT_MS} ms`));
        this.socket.destroy();
      }, HANDSHAKE_TIMEOUT_MS);
      timer.unref();
      this.settleOpen = (error) => {
        clearTimeout(timer);
        this.settleOpen = undefined;
        if (error) reject(error);
        else resolve();
      };
    });
    const portNumber = Number(port || 80);
    this.socket = connect(portNumber, host);
    this.socket.setNoDelay(true);
    this.socket.once('connect', () => {
      this.socket.write(
        `GET ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}:${portNumber}\r\nUpgrade: websocket\r\n` +
          `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    this.socket.on('data', (chunk: Buffer) => {
      this.receivedAt = wallClock();
      this.parser.push(chunk);
      this.limitRate(chunk.length);
    });
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

  /** Sends one final frame, masked as a client's must be (RFC 6455, 5.3). */
  private sendFrame(opcode: number, payload: Buffer): void {
    if (!this.open) return;
    this.socket.write(clientFrame(opcode, payload));
  }

  private limitRate(bytes: number): void {
    if (this.bytesPerSec <= 0) return;
    this.socket.pause();
    clearTimeout(this.resumeTimer);
    this.resumeTimer = setTimeout(() => this.socket.resume(), (bytes / this.bytesPerSec) * 1000);
  }
}

/** A final, masked frame of `opcode` carrying `payload`. */
export function clientFrame(opcode: number, payload: Buffer): Buffer {
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
  return frame;
}
