import { every, type Clock } from '../clock';
import type { Client, FrameSink } from '../fanout/fan-out';
import { packetOf } from '../fanout/wire';
import type { Logger } from '../logger';
import { TokenBucket } from './rate-limiter';
import type { FeedIo, FeedSocket, SocketOptions } from './socket-server';

/**
 * Checks every connection's unread output every `everyMs` and closes those over their bound. Requests are checked
 * as they come; this catches a connection that asks for nothing and never reads while the server still writes to it
 * (status broadcasts, heartbeats answered blindly). Returns the function that stops it.
 */
export function sweepQueues(io: FeedIo, clock: Clock, everyMs: number): () => void {
  return every(clock, everyMs, () => {
    for (const socket of io.of('/').sockets.values()) socket.data.connection?.overQueueBound();
  });
}

/** What of Engine.IO's connection the sink reads: private in its typings, stable in engine.io 6. */
interface EngineConnection {
  readonly readyState: string;
  /** Packets not yet handed to the transport. */
  readonly writeBuffer: readonly { readonly data?: unknown }[];
  readonly transport: {
    readonly name: string;
    /** False when the client asked for base64 (`b64=1`): binary packets then go as text. */
    readonly supportsBinary: boolean;
    readonly socket?: RawWebSocket;
  };
  write(data: Buffer): void;
  /** With `discard`, drops what is queued and closes the transport now. */
  close(discard?: boolean): void;
}

/** The `ws` WebSocket under Engine.IO's websocket transport. */
interface RawWebSocket {
  readonly readyState: number;
  /** Negotiated extensions; empty without permessage-deflate (Socket.IO's default). */
  readonly extensions: string;
  /** Bytes handed to it or to its TCP socket that have not yet reached the kernel. */
  readonly bufferedAmount: number;
  /** Its TCP socket (private in `ws`, set while it is open). */
  readonly _socket?: TcpSocket;
  /** Destroys the TCP socket at once, with whatever is queued on it. */
  terminate(): void;
}

interface TcpSocket {
  write(data: Buffer): boolean;
}

const WS_OPEN = 1;

/**
 * One connection's state, and the fan-out's sink for its frames.
 *
 * Frames come ready for the wire (server/fanout/wire.ts): a WebSocket message holding a finished Socket.IO packet,
 * so the bytes encoded once per symbol per flush are neither re-encoded nor re-framed for every client.
 *
 * Over WebSocket, with nothing of Engine.IO's waiting before it, a frame is written to the TCP socket in one
 * write. Engine.IO's path for a packet (write buffer, flush, a send callback, drain and ready events, next-tick
 * hops) and `ws`'s framing (an options object and a two-buffer `writev` per message) cost about a third of the
 * server's busy time under load. Order holds because Engine.IO and `ws` write their own messages (pings,
 * acknowledgements) to the same socket synchronously and in order, without permessage-deflate (which would queue
 * them; a connection that negotiated it goes through Engine.IO); anything still in Engine.IO's write buffer sends
 * the frame through Engine.IO behind it. Over long-polling, the packet goes through Engine.IO.
 *
 * The connection is behind while a frame it was sent has not reached the kernel (the reader is slow, the TCP
 * window is shut) or, over long-polling, while Engine.IO still holds a packet no poll has come for, and a flush
 * sends nothing to a connection that is behind. A flush whose sending is spread over several turns of the event
 * loop checks first and sends later, and an acknowledgement may fill the socket in between: so at most two frames
 * (and the answers to a client's own requests, which the rate limit bounds) wait in user space per connection,
 * whatever the client does.
 */
export class Connection implements FrameSink {
  readonly socket: FeedSocket;
  readonly client: Client;
  readonly bucket: TokenBucket;
  /** Its last request was refused for rate (and told so); another refused for rate closes it. */
  warnedForRate = false;
  private readonly logger: Logger;
  private readonly maxQueuedBytes: number;
  /** The WebSocket `direct` was looked up for, and its TCP socket when frames may go straight to it. */
  private directFor: RawWebSocket | undefined;
  private direct: TcpSocket | undefined;

  constructor(socket: FeedSocket, { fanOut, limits, clock, logger }: SocketOptions) {
    this.socket = socket;
    this.logger = logger;
    this.maxQueuedBytes = limits.maxQueuedBytes;
    this.bucket = new TokenBucket(limits.requestsPerSecond, limits.requestsPerSecond * 2, clock.now());
    this.client = fanOut.addClient(this);
  }

  send(message: Buffer): void {
    const conn = this.engine();
    const tcp = conn.writeBuffer.length === 0 ? this.tcpSocket() : undefined;
    if (tcp) tcp.write(message);
    else conn.write(packetOf(message));
  }

  writable(): boolean {
    const conn = this.engine();
    return (
      conn.readyState === 'open' &&
      conn.writeBuffer.length === 0 &&
      (this.webSocket()?.bufferedAmount ?? 0) === 0
    );
  }

  /**
   * Ends the connection, logging why. With `discard`, for a client that would not stop or not read, what is queued
   * for it is dropped with its TCP socket rather than kept until it drains (or Engine.IO's timeouts expire).
   */
  close(reason: string, discard = false): void {
    this.logger.warn({ socket: this.socket.id, reason }, 'disconnecting client');
    this.socket.disconnect(true);
    if (!discard) return;
    const conn = this.engine();
    conn.close(true);
    conn.transport.socket?.terminate();
  }

  /**
   * Bytes written for this connection that have not reached the kernel: packets Engine.IO holds (a long-polling
   * client that has not polled, a WebSocket that has not drained) and what `ws` and the TCP socket buffer.
   */
  queuedBytes(): number {
    const conn = this.engine();
    let bytes = conn.transport.name === 'websocket' ? (conn.transport.socket?.bufferedAmount ?? 0) : 0;
    for (const packet of conn.writeBuffer) {
      const { data } = packet;
      bytes += typeof data === 'string' ? data.length : data instanceof Uint8Array ? data.byteLength : 0;
    }
    return bytes;
  }

  /** Closes the connection and says so when more than `maxQueuedBytes` wait for it: it is not reading. */
  overQueueBound(): boolean {
    const queued = this.queuedBytes();
    if (queued <= this.maxQueuedBytes) return false;
    this.close(`output queue over its bound: ${queued} bytes unread (limit ${this.maxQueuedBytes})`, true);
    return true;
  }

  private engine(): EngineConnection {
    return this.socket.conn as unknown as EngineConnection;
  }

  /**
   * The TCP socket under the connection's WebSocket, when frames may be written to it directly: the transport is
   * (already) an open WebSocket without permessage-deflate whose client takes binary messages. Looked up again
   * only when the WebSocket changes.
   */
  private tcpSocket(): TcpSocket | undefined {
    const ws = this.webSocket();
    if (ws !== this.directFor) {
      this.directFor = ws;
      this.direct = ws?.extensions === '' && this.engine().transport.supportsBinary ? ws._socket : undefined;
    }
    return this.direct;
  }

  /** The open `ws` WebSocket under the connection, when its transport is (already) WebSocket. */
  private webSocket(): RawWebSocket | undefined {
    const { transport } = this.engine();
    return transport.name === 'websocket' && transport.socket?.readyState === WS_OPEN
      ? transport.socket
      : undefined;
  }
}
