import { decode, encode } from 'notepack.io';
import { Connection } from './connection';

/** How Socket.IO packets are encoded: the default parser's text, or the MessagePack parser's binary. */
export type SocketIoParser = 'json' | 'msgpack';

/** A decoded Socket.IO packet (the fields the bench reads). */
interface SocketIoPacket {
  type: number;
  data?: unknown;
  id?: number;
}

const CONNECT = 0;
const DISCONNECT = 1;
const EVENT = 2;
const ACK = 3;
const CONNECT_ERROR = 4;

/**
 * A lean Socket.IO client: Engine.IO v4 over a raw WebSocket, default namespace only. Thousands of these fit in
 * one process where socket.io-client instances would make the load generator the bottleneck.
 *
 * Engine.IO packets are text, one per WebSocket message: `0{...}` open, `2`/`3` ping/pong, `1` close, `4...` a
 * message. Socket.IO packets ride in messages: with the JSON parser as text after the `4` (`40` connect,
 * `42[name, ...args]` event, `42<id>[...]` event wanting an ack, `43<id>[...]` ack, `44{...}` connect error,
 * `41` disconnect); with the MessagePack parser as a binary message holding `{type, nsp, data, id?}`.
 */
export class SocketIoClient {
  readonly connection: Connection;
  /** Resolves on the Socket.IO connect acknowledgement. */
  readonly connected: Promise<void>;
  private nextAckId = 0;
  private readonly acks = new Map<number, (args: unknown[]) => void>();
  private settleConnect: ((error?: Error) => void) | undefined;

  constructor(
    port: number,
    private readonly onEvent: (name: string, args: unknown[], receivedAt: number) => void,
    private readonly parser: SocketIoParser = 'json',
  ) {
    this.connection = new Connection(
      `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`,
      (message, receivedAt) => {
        if (typeof message === 'string') this.engineIoPacket(message, receivedAt);
        else this.socketIoPacket(decode(message) as SocketIoPacket, receivedAt);
      },
    );
    this.connected = new Promise((resolve, reject) => {
      this.settleConnect = (error) => (error ? reject(error) : resolve());
      this.connection.opened.catch(reject);
    });
  }

  /**
   * Emits an event wanting an acknowledgement; `onAck` gets its first argument synchronously, before any later
   * message is handled, as a store must apply a snapshot before the deltas that follow it.
   */
  emit(name: string, payload: unknown, onAck: (response: unknown) => void): void {
    const id = this.nextAckId++;
    this.acks.set(id, (args) => onAck(args[0]));
    this.send({ type: EVENT, data: [name, payload], id });
  }

  close(): void {
    this.connection.close();
  }

  private send(packet: SocketIoPacket): void {
    if (this.parser === 'msgpack') {
      this.connection.send(encode({ ...packet, nsp: '/' }));
      return;
    }
    const data = packet.data === undefined ? '' : JSON.stringify(packet.data);
    this.connection.send(`4${packet.type}${packet.id ?? ''}${data}`);
  }

  private engineIoPacket(text: string, receivedAt: number): void {
    switch (text[0]) {
      case '4':
        if (this.parser === 'json') this.socketIoPacket(parseText(text), receivedAt);
        return;
      case '2':
        this.connection.send('3');
        return;
      case '0':
        this.send({ type: CONNECT });
        return;
      case '1':
        this.serverClosed();
        return;
    }
  }

  private serverClosed(): void {
    this.connection.dropped = true;
    this.connection.close();
  }

  private socketIoPacket(packet: SocketIoPacket, receivedAt: number): void {
    switch (packet.type) {
      case EVENT: {
        const [name, ...args] = packet.data as [string, ...unknown[]];
        this.onEvent(name, args, receivedAt);
        return;
      }
      case ACK: {
        const ack = this.acks.get(packet.id ?? -1);
        this.acks.delete(packet.id ?? -1);
        ack?.(packet.data as unknown[]);
        return;
      }
      case CONNECT:
        this.settleConnect?.();
        return;
      case CONNECT_ERROR:
        this.settleConnect?.(new Error(`connect error: ${JSON.stringify(packet.data)}`));
        return;
      case DISCONNECT:
        this.serverClosed();
        return;
    }
  }
}

/** A Socket.IO packet of the JSON parser, after the Engine.IO `4`: type digit, optional ack id, JSON data. */
function parseText(text: string): SocketIoPacket {
  const type = Number(text[1]);
  let start = 2;
  while (start < text.length && text.charCodeAt(start) >= 48 && text.charCodeAt(start) <= 57) start++;
  const id = start > 2 ? Number(text.slice(2, start)) : undefined;
  const data = start < text.length ? (JSON.parse(text.slice(start)) as unknown) : undefined;
  return id === undefined ? { type, data } : { type, data, id };
}
