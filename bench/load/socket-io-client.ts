import { Connection } from './connection';

/**
 * A lean Socket.IO client: Engine.IO v4 over a raw WebSocket, default namespace only, JSON only. Thousands of
 * these fit in one process where socket.io-client instances would make the load generator the bottleneck.
 *
 * Packets it speaks (one Engine.IO packet per WebSocket message): `0{...}` open, `2`/`3` ping/pong, and
 * Socket.IO inside `4`: `40` connect, `42[name, ...args]` event, `42<id>[...]` event wanting an ack,
 * `43<id>[...]` ack, `44{...}` connect error, `41` disconnect.
 */
export class SocketIoClient {
  readonly connection: Connection;
  /** Resolves on the Socket.IO connect acknowledgement (`40{"sid":...}`). */
  readonly connected: Promise<void>;
  private nextAckId = 0;
  private readonly acks = new Map<number, (args: unknown[]) => void>();
  private settleConnect: ((error?: Error) => void) | undefined;

  constructor(
    port: number,
    private readonly onEvent: (name: string, args: unknown[], receivedAt: number) => void,
  ) {
    this.connection = new Connection(
      `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`,
      (text, receivedAt) => this.engineIoPacket(text, receivedAt),
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
    this.connection.send(`42${id}${JSON.stringify([name, payload])}`);
  }

  close(): void {
    this.connection.close();
  }

  private engineIoPacket(text: string, receivedAt: number): void {
    switch (text[0]) {
      case '4':
        this.socketIoPacket(text, receivedAt);
        return;
      case '2':
        this.connection.send('3');
        return;
      case '0':
        this.connection.send('40');
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

  private socketIoPacket(text: string, receivedAt: number): void {
    switch (text[1]) {
      case '2': {
        const [name, ...args] = JSON.parse(text.slice(text.indexOf('['))) as [string, ...unknown[]];
        this.onEvent(name, args, receivedAt);
        return;
      }
      case '3': {
        const start = text.indexOf('[');
        const id = Number(text.slice(2, start));
        const ack = this.acks.get(id);
        this.acks.delete(id);
        ack?.(JSON.parse(text.slice(start)) as unknown[]);
        return;
      }
      case '0':
        this.settleConnect?.();
        return;
      case '4':
        this.settleConnect?.(new Error(`connect error: ${text.slice(2)}`));
        return;
      case '1':
        this.serverClosed();
        return;
    }
  }
}
