/**
 * Starting and stopping the bench's child processes: Node with tsx, pinned to a core where `taskset` exists,
 * with an IPC channel, and never left running.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (children run from it, so `--import tsx` resolves). */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Cores to pin the server and the load to, when `taskset` exists and there are two. */
export function pinning(): { server: string; load: string } | undefined {
  if (os.availableParallelism() < 2) return undefined;
  const probe = spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
  return probe.status === 0 ? { server: '0', load: '1' } : undefined;
}

function openFileLimit(): number {
  const text = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
  return text === 'unlimited' ? Infinity : Number(text);
}

const live = new Set<ChildProcess>();

/**
 * Starts `script` with `scriptArgs` under Node with tsx, pinned to `core`. When the process may not open `files`
 * files, the child is started through a shell that raises its limit first (which works up to the hard limit).
 */
export function spawnChild(
  script: string,
  core: string | undefined,
  files: number,
  scriptArgs: readonly string[] = [],
): ChildProcess {
  let command = [
    process.execPath,
    '--expose-gc',
    '--import',
    'tsx',
    resolve(ROOT, 'bench', script),
    ...scriptArgs,
  ];
  if (core !== undefined) command = ['taskset', '-c', core, ...command];
  if (openFileLimit() < files) command = ['sh', '-c', `ulimit -n ${files} && exec "$@"`, 'sh', ...command];
  const [file, ...args] = command as [string, ...string[]];
  return track(spawn(file, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
}

/** Counts `child` among the processes `killAll` kills (for one the bench starts otherwise, such as Redis). */
export function track(child: ChildProcess): ChildProcess {
  live.add(child);
  child.on('exit', () => live.delete(child));
  return child;
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((done) => {
    const timer = setTimeout(() => done(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      done(true);
    });
  });
}

/** Asks a child to close; kills it if it has not exited a few seconds later. */
export async function stopChild(child: ChildProcess, close: () => Promise<null>): Promise<void> {
  // A child that cannot answer is killed below; its error is already in the result.
  await close().catch(() => undefined);
  if (!(await exited(child, 5000))) child.kill('SIGKILL');
}

const cleanups = new Set<() => void>();

/**
 * Runs `cleanup` (synchronous: it may run as the process exits) when `killAll` runs, unless the returned function
 * has been called first, once the caller has cleaned up itself.
 */
export function atExit(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** Kills every child still running and runs what `atExit` holds (on an interrupt or a crash of the orchestrator). */
export function killAll(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  for (const cleanup of cleanups) cleanup();
  cleanups.clear();
}

// However the orchestrator ends (an uncaught error included), nothing it started outlives it; only a SIGKILL of the
// orchestrator itself escapes this, and the Node children then exit as their IPC channel closes.
process.on('exit', killAll);
