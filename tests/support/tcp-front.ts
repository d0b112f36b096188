import { connect, createServer, type Server, type Socket } from 'node:net';
import { Transform } from 'node:stream';

/**
 * One address in front of several servers, as a load balancer: each TCP connection goes to the next backend in
 * turn, and to the one after it when that one refuses. Bytes are passed through untouched. `hold` stalls what
 * the backends send (a link that stops delivering, as a stopped process would see it) until `release`.
 * `holdRequests` stalls what the clients send instead (each chunk read taken as one request), and
 * `passRequests` lets through one request a connection: a client that waits for each answer before it asks again
 * (a Redis follower) is stepped through its requests, and stands still in between.
 */
export class TcpFront {
  private readonly server: Server;
  private readonly backends: readonly number[];
  private readonly sockets = new Set<Socket>();
  /** The connections to the backends: what they send is what `hold` stops. */
  private readonly upstreams = new Set<Socket>();
  private holding = false;
  private holdingRequests = false;
  /** Requests held back, at most one a connection (the rest wait behind it): each passes on when called. */
  private readonly heldRequests: (() => void)[] = [];
  private onRequestHeld: (() => void) | undefined;
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

  /** Stops passing on what the backends send, on every connection open now or opened meanwhile. */
  hold(): void {
    this.holding = true;
    for (const upstream of this.upstreams) upstream.pause();
  }

  /** Passes on again, first what was held back. */
  release(): void {
    this.holding = false;
    for (const upstream of this.upstreams) upstream.resume();
  }

  /** Stops passing on what the clients send, on every connection open now or opened meanwhile. */
  holdRequests(): void {
    this.holdingRequests = true;
  }

  /**
   * Passes on the request each connection holds back (waiting for one if none does), and resolves once one is
   * held again: a client that waits for each answer before it asks again has had its answer, and done what it
   * does with it. Another connection's request may end the wait first: step until the client stands where wanted.
   */
  async passRequests(): Promise<void> {
    if (this.heldRequests.length === 0) await this.nextRequestHeld();
    const next = this.nextRequestHeld();
    for (const pass of this.heldRequests.splice(0)) pass();
    await next;
  }

  /** Passes on again, first what was held back. */
  releaseRequests(): void {
    this.holdingRequests = false;
    for (const pass of this.heldRequests.splice(0)) pass();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private nextRequestHeld(): Promise<void> {
    return new Promise((resolve) => (this.onRequestHeld = resolve));
  }

  /** Passes a connection's requests on, or holds each back (and what follows it) while requests are held. */
  private requestGate(): Transform {
    return new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        if (!this.holdingRequests) return done(null, chunk);
        this.heldRequests.push(() => done(null, chunk));
        const held = this.onRequestHeld;
        this.onRequestHeld = undefined;
        held?.();
      },
    });
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
      this.upstreams.add(upstream);
      client.pipe(this.requestGate()).pipe(upstream).pipe(client);
      client.resume();
      if (this.holding) upstream.pause();
      const end = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
        this.upstreams.delete(upstream);
      };
      client.once('close', end);
      upstream.once('close', end);
      client.on('error', end);
      upstream.on('error', end);
    });
  }
}
