import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * What Linux says of a process from the outside (/proc), readable however busy the process is: its CPU time, and
 * how long its main thread waited for a CPU while ready to run. Undefined where /proc is not there.
 */
export interface ProcSample {
  cpuUs: number;
  /** Time the main thread was runnable but not running: other processes (or threads) had its core. */
  waitMs: number;
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    const answer = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    ticksPerSecond = Number(answer.stdout?.trim()) || 100;
  }
  return ticksPerSecond;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    // Not Linux, or the process is gone: the figure is left unknown rather than failing the run.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export function sampleProcess(pid: number | undefined): ProcSample | undefined {
  if (pid === undefined) return undefined;
  const stat = read(`/proc/${pid}/stat`);
  const schedstat = read(`/proc/${pid}/schedstat`);
  if (stat === undefined || schedstat === undefined) return undefined;
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const waitNs = Number(schedstat.split(' ')[1]);
  return { cpuUs: (ticks / clockTicks()) * 1e6, waitMs: waitNs / 1e6 };
}
