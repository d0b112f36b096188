import { spawn, type ChildProcess } from 'node:child_process';

export interface ServerProcess {
  /** `http://127.0.0.1:<port>`. */
  url: string;
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
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${entry} did not start:\n${output}`));
    }, 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      for (const line of output.split('\n')) {
        if (!line.startsWith('{')) continue;
        const entryLog = JSON.parse(line) as { msg?: string; port?: number; url?: string };
        const port = entryLog.port ?? (entryLog.url ? Number(new URL(entryLog.url).port) : undefined);
        if (port && /listening/.test(entryLog.msg ?? '')) {
          clearTimeout(timer);
          resolve({ url: `http://127.0.0.1:${port}`, stop });
          return;
        }
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited with ${code}:\n${output}`));
    });
  });
}
