import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TEST_MARKET_START } from './test-feed';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ChildFeed {
  readonly port: number;
  readonly url: string;
  readonly process: ChildProcess;
  /** Whether the process is still running. */
  alive(): boolean;
  /** Its V8 heap in use after two full collections, bytes. */
  heapUsed(): Promise<number>;
  /** Engine.IO connections it holds. */
  connections(): Promise<number>;
  /**
   * The longest its event loop went without turning since the last call, in CPU time, ms: what it costs the server
   * itself, whatever else the machine runs (tests/support/feed-child.ts).
   */
  longestStall(): Promise<number>;
  /** Closes the server and waits for the process to exit; kills it if it does not. */
  stop(): Promise<void>;
}

/**
 * Starts the real feed server in a child process (tests/support/feed-child.ts) on a free port of 127.0.0.1, with
 * `env` added to the defaults, `--expose-gc` and a heap of `heapMb`: a test can then watch it die, or weigh it.
 */
export async function startChildFeed(env: Record<string, string> = {}, heapMb = 512): Promise<ChildFeed> {
  const child = spawn(
    process.execPath,
    ['--expose-gc', `--max-old-space-size=${heapMb}`, '--import', 'tsx', 'tests/support/feed-child.ts'],
    {
      cwd: ROOT,
      // The market in a regular session whatever the hour (TEST_MARKET_START): every symbol trades.
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        SIM_START: new Date(TEST_MARKET_START).toISOString(),
        ...env,
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  let exited = false;
  child.once('exit', () => (exited = true));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code, signal) =>
      reject(new Error(`feed child exited (${code ?? signal}) before listening`)),
    );
    child.once('message', (message: { port: number }) => resolve(message.port));
  });
  let nextId = 0;
  const ask = (what: 'heap' | 'connections' | 'stall' | 'close'): Promise<number> =>
    new Promise((resolve, reject) => {
      if (exited) return reject(new Error('the feed child has exited'));
      const id = nextId++;
      const onMessage = (message: { id?: number; value: number }): void => {
        if (message.id !== id) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message.value);
      };
      const onExit = (): void => {
        child.off('message', onMessage);
        reject(new Error('the feed child exited'));
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send({ id, ask: what });
    });
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    process: child,
    alive: () => !exited,
    heapUsed: () => ask('heap'),
    connections: () => ask('connections'),
    longestStall: () => ask('stall'),
    async stop() {
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await ask('close').catch(() => undefined);
      await gone;
      clearTimeout(timer);
    },
  };
}
