import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A server role (`server/feed.ts`, `server/roles/gateway.ts`, …) running as its own Node process. */
export interface RoleProcess {
  readonly child: ChildProcess;
  /** Every log line it wrote, parsed (pino JSON). */
  readonly logs: Record<string, unknown>[];
  /** Resolves with the first log line whose `msg` is `msg`. */
  logged(msg: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves with its exit code (or the signal that ended it) once it has exited. */
  readonly exited: Promise<number | string>;
  /** Sends SIGKILL if it still runs. */
  kill(): void;
}

const running = new Set<RoleProcess>();

/** Starts `script` (a path from the repository root) under tsx with `env` added and `args`, logging at info. */
export function startRole(script: string, env: Record<string, string>, args: string[] = []): RoleProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  const waiters: { msg: string; resolve: (line: Record<string, unknown>) => void }[] = [];
  let stderr = '';
  let rest = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const text of lines) {
      if (!text.startsWith('{')) continue;
      const line = JSON.parse(text) as Record<string, unknown>;
      logs.push(line);
      for (const waiter of waiters.filter((w) => w.msg === line.msg)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const role: RoleProcess = {
    child,
    logs,
    exited,
    logged(msg, timeoutMs = 30_000) {
      const seen = logs.find((line) => line.msg === msg);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `${script} did not log "${msg}" within ${timeoutMs} ms; last logs: ` +
                  `${JSON.stringify(logs.slice(-5))}; stderr: ${stderr}`,
              ),
            ),
          timeoutMs,
        );
        void exited.then((code) =>
          reject(new Error(`${script} exited (${code}) before logging "${msg}"; stderr: ${stderr}`)),
        );
        waiters.push({
          msg,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
      });
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
  running.add(role);
  void exited.then(() => running.delete(role));
  return role;
}

/** Kills every role process still running (for an `afterAll`). */
export async function killRoles(): Promise<void> {
  const roles = [...running];
  for (const role of roles) role.kill();
  await Promise.all(roles.map((role) => role.exited));
}
