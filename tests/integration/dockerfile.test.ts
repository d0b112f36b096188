import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait';

/**
 * No Docker engine runs on this project's machines, so this test keeps the Dockerfile true by running its own
 * instructions: each stage in a clean directory standing for its WORKDIR, the build context being the files git
 * tracks, `RUN` through the shell with the stage's `ENV`, `COPY --from` between stages; then the last stage's `CMD`,
 * and its `HEALTHCHECK` against it.
 */
const root = process.cwd();
const work = mkdtempSync(join(tmpdir(), 'tickerboard-dockerfile-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Stage {
  dir: string;
  env: Record<string, string>;
  cmd?: string[];
  healthcheck?: string[];
}

const contextFiles = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter(Boolean);

function copyInto(stage: Stage, sources: string[], dest: string, from: Stage | undefined): void {
  for (const source of sources) {
    if (from) {
      const path = source.replace(/^\/app\/?/, '');
      // A destination ending in a slash is a folder to copy into, as in Docker.
      const target = dest.endsWith('/') ? join(stage.dir, dest, basename(path)) : join(stage.dir, dest);
      cpSync(join(from.dir, path), target, { recursive: true });
    } else if (source === '.') {
      for (const file of contextFiles) {
        mkdirSync(dirname(join(stage.dir, dest, file)), { recursive: true });
        cpSync(join(root, file), join(stage.dir, dest, file));
      }
    } else {
      cpSync(join(root, source), join(stage.dir, dest, source));
    }
  }
}

function runDockerfile(): Stage {
  const stages = new Map<string, Stage>();
  let stage: Stage | undefined;
  for (const line of readFileSync(join(root, 'Dockerfile'), 'utf8').split('\n')) {
    const [instruction, ...words] = line.trim().split(/\s+/);
    const rest = line
      .trim()
      .slice(instruction?.length ?? 0)
      .trim();
    if (!instruction || instruction.startsWith('#')) continue;
    if (instruction === 'FROM') {
      const name = words[2] ?? String(stages.size);
      stage = { dir: join(work, name), env: {} };
      mkdirSync(stage.dir);
      stages.set(name, stage);
      continue;
    }
    if (!stage) throw new Error(`${instruction} before FROM`);
    if (instruction === 'ENV') {
      for (const pair of words) {
        const [key, value] = pair.split('=') as [string, string];
        stage.env[key] = value;
      }
    } else if (instruction === 'COPY') {
      const fromFlag = words[0]?.startsWith('--from=') ? words.shift() : undefined;
      const dest = words.pop() as string;
      copyInto(stage, words, dest, fromFlag ? stages.get(fromFlag.slice('--from='.length)) : undefined);
    } else if (instruction === 'RUN') {
      const result = spawnSync('sh', ['-c', rest], {
        cwd: stage.dir,
        // The cache `npm ci` filled a moment ago serves the packages; a stalled registry read fails in a minute
        // and is retried, rather than holding the run for npm's default five minutes per try.
        env: {
          ...process.env,
          npm_config_prefer_offline: 'true',
          npm_config_fetch_timeout: '60000',
          npm_config_fetch_retries: '3',
          ...stage.env,
        },
        encoding: 'utf8',
        timeout: 600_000,
      });
      expect(result.status, `RUN ${rest}\n${result.stdout}\n${result.stderr}`).toBe(0);
    } else if (instruction === 'CMD') {
      stage.cmd = JSON.parse(rest) as string[];
    } else if (instruction === 'HEALTHCHECK') {
      stage.healthcheck = JSON.parse(rest.slice(rest.indexOf('CMD') + 3).trim()) as string[];
    } else if (!['WORKDIR', 'USER', 'EXPOSE'].includes(instruction)) {
      throw new Error(`the test does not know Dockerfile instruction ${instruction}`);
    }
  }
  if (!stage) throw new Error('no stage');
  return stage;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('the Dockerfile', () => {
  it('builds in clean directories and its image serves the dashboard and passes its health check', async () => {
    const runtime = runDockerfile();
    expect(runtime.cmd).toEqual(['node', 'dist/main.js']);
    // Only production dependencies in the image.
    expect(spawnSync('npm', ['ls', 'vitest'], { cwd: runtime.dir }).status).not.toBe(0);

    const port = await freePort();
    const env = { ...process.env, ...runtime.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
    const [command, ...args] = runtime.cmd as [string, ...string[]];
    const server = spawn(command, args, { cwd: runtime.dir, env, stdio: 'ignore' });
    try {
      const [check, ...checkArgs] = runtime.healthcheck as [string, ...string[]];
      const healthy = () => spawnSync(check, checkArgs, { cwd: runtime.dir, env }).status === 0;
      await waitFor(healthy, 60_000, 'the health check');
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('tickerboard');
      const symbols = (await (await fetch(`http://127.0.0.1:${port}/api/symbols`)).json()) as {
        symbols: unknown[];
      };
      expect(symbols.symbols.length).toBeGreaterThan(10);
    } finally {
      server.kill('SIGTERM');
    }
  }, 900_000);
});
