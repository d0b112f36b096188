import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A free TCP port of 127.0.0.1, as the kernel hands one out (free when asked, not reserved). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface RedisOptions {
  /** A command the server runs under, such as `['taskset', '-c', '1']` (it must exec the server, keeping its pid). */
  prefix?: readonly string[];
  /** Its working directory (nothing is saved there, but Redis needs one it may write). */
  dir?: string;
  /** Called with every process started, so the caller can kill it however its own run ends. */
  onSpawn?: (child: ChildProcess) => void;
}

/**
 * A real redis-server of the test's (or the bench's) own, in memory only, on a loopback port it keeps across
 * restarts.
 */
export class TestRedis {
  readonly port: number;
  private readonly options: RedisOptions;
  private child: ChildProcess | undefined;

  private constructor(port: number, options: RedisOptions) {
    this.port = port;
    this.options = options;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** The running server's process id (for its CPU time in /proc). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  static async start(options: RedisOptions = {}): Promise<TestRedis> {
    const redis = await TestRedis.notStarted(options);
    await redis.restart();
    return redis;
  }

  /** One with its port chosen and nothing listening on it yet, until `restart`. */
  static async notStarted(options: RedisOptions = {}): Promise<TestRedis> {
    return new TestRedis(await freePort(), options);
  }

  /** Starts it (again, empty: nothing is saved) on the same port; resolves once it accepts connections. */
  async restart(): Promise<void> {
    const { prefix = [], dir, onSpawn } = this.options;
    const [command, ...args] = [
      ...prefix,
      'redis-server',
      ...['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      ...(dir ? ['--dir', dir] : []),
    ] as [string, ...string[]];
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    onSpawn?.(child);
    await new Promise<void>((resolve, reject) => {
      let output = '';
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
        if (output.includes('Ready to accept connections')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`)));
    });
  }

  /** Stops it and resolves once it has exited. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}
