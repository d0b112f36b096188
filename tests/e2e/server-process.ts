import { spawn, type ChildProcess } from 'node:child_process';

/** One line of the server's JSON log (pino's fields, and whatever the line carries besides). */
export interface LogEntry {
  msg?: string;
  port?: number;
  url?: string;
  [field: string]: unknown;
}

export interface ServerProcess {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Resolves once the server has logged an entry `matches` accepts (entries logged before the call count too). */
  logged(matches: (entry: LogEntry) => boolean): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a built server (`dist/main.js` or `dist/feed.js`) on a free port of 127.0.0.1 with extra environment,
 * and resolves once its log says it listens. `stop` sends SIGTERM to that process only and waits for its exit.
 */
export function startServerProcess(entry: string, env: Record<string, string>): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, [entry], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  };
  const entries: LogEntry[] = [];
  const waiters = new Set<{ matches: (entry: LogEntry) => boolean; resolve: () => void }>();
  const logged = (matches: (entry: LogEntry) => boolean) =>
    entries.some(matches)
      ? Promise.resolve()
      : new Promise<void>((resolve) => waiters.add({ matches, resolve }));
  return new Promise((resolve, reject) => {
    let output = '';
    let partial = '';
    let listening = false;
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${entry} did not start:\n${output}`));
    }, 60_000);
    const onLine = (line: string) => {
      if (!line.startsWith('{')) return;
      const logEntry = JSON.parse(line) as LogEntry;
      entries.push(logEntry);
      for (const waiter of waiters) {
        if (!waiter.matches(logEntry)) continue;
        waiters.delete(waiter);
        waiter.resolve();
      }
      const port = logEntry.port ?? (logEntry.url ? Number(new URL(logEntry.url).port) : undefined);
      if (!listening && port && /listening/.test(logEntry.msg ?? '')) {
        listening = true;
        clearTimeout(timer);
        resolve({ url: `http://127.0.0.1:${port}`, logged, stop });
      }
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      if (!listening) output += text;
      // A chunk may end inside a line: only whole lines are read.
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      if (!listening) output += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited with ${code}:\n${output}`));
    });
  });
}
