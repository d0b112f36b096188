import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * One address in front of several servers, as a load balancer: each TCP connection goes to the next backend in
 * turn, and to the one after it when that one refuses. Bytes are passed through untouched.
 */
export class TcpFront {
  private readonly server: Server;
  private readonly backends: readonly number[];
  private readonly sockets = new Set<Socket>();
  private next = 0;
  port = 0;

  constructor(backends: readonly number[]) {
    this.backends = backends;
    this.server = createServer((client) => this.route(client, 0));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private route(client: Socket, tries: number): void {
    if (tries >= this.backends.length) {
      client.destroy();
      return;
    }
    const port = this.backends[this.next++ % this.backends.length] as number;
    const upstream = connect(port, '127.0.0.1');
    client.pause();
    let connected = false;
    upstream.once('error', () => {
      if (connected) return;
      upstream.destroy();
      this.route(client, tries + 1);
    });
    upstream.once('connect', () => {
      connected = true;
      this.sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      client.resume();
      const end = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.once('close', end);
      upstream.once('close', end);
      client.on('error', end);
      upstream.on('error', end);
    });
  }
}
