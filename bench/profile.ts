import { Session, type Profiler } from 'node:inspector/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Starts V8's sampling profiler in this process; returns the function that stops it and gives the profile. */
export async function startProfiler(): Promise<() => Promise<Profiler.Profile>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    return profile;
  };
}

export interface SelfTime {
  name: string;
  /** Share of the samples where the process was busy (not idle), percent. */
  percent: number;
}

/**
 * The functions the process spent the most time in themselves (not in what they called), by share of its busy
 * samples. Files are named relative to `root`; a line is given where the profile knows it.
 */
export function topSelfTime(profile: Profiler.Profile, root: string, count: number): SelfTime[] {
  const byNode = new Map<number, number>();
  for (const id of profile.samples ?? []) byNode.set(id, (byNode.get(id) ?? 0) + 1);
  let busy = 0;
  const byFunction = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = byNode.get(node.id) ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (hits === 0 || functionName === '(idle)') continue;
    busy += hits;
    const file = url.startsWith('file://') ? relative(root, fileURLToPath(url)) : url;
    const line = lineNumber > 0 ? `:${lineNumber + 1}` : '';
    const name = `${functionName || '(anonymous)'}${file ? ` ${file}${line}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + hits);
  }
  return [...byFunction]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, hits]) => ({ name, percent: (hits / Math.max(1, busy)) * 100 }));
}
