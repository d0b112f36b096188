import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { lastCell } from './board';
import { startServerProcess, type ServerProcess } from './server-process';

test.describe.configure({ timeout: 120_000 });

const folder = mkdtempSync(join(tmpdir(), 'tickerboard-e2e-replay-'));
const file = join(folder, 'run.ndjson');
/** Tuesday 11 March 2025, 10:59:50 New York: a regular session, so every default row trades. */
const START = '2025-03-11T14:59:50Z';
let replay: ServerProcess | undefined;

test.beforeAll(async () => {
  // Record six seconds of the simulated market with the feed alone, then serve its replay with the dashboard.
  const recording = await startServerProcess('dist/feed.js', {
    RECORD: file,
    SIM_START: START,
    HISTORY_BARS: '500',
  });
  await new Promise((resolve) => setTimeout(resolve, 6000));
  await recording.stop();
  replay = await startServerProcess('dist/main.js', {
    FEED: `replay:${file}`,
    REPLAY_SPEED: '1',
    HISTORY_BARS: '500',
  });
});

test.afterAll(async () => {
  await replay?.stop();
  rmSync(folder, { recursive: true, force: true });
});

async function replayState(
  url: string,
): Promise<{ position: number; start: number; speed: number; paused: boolean }> {
  return (await (await fetch(`${url}/api/replay`)).json()) as {
    position: number;
    start: number;
    speed: number;
    paused: boolean;
  };
}

test('a replay can be paused, sped up and sought back, and the board resyncs', async ({ page }) => {
  const url = (replay as ServerProcess).url;
  await page.goto(url);
  await expect(page.getByRole('status')).toHaveText('live', { timeout: 15_000 });
  const bar = page.getByRole('region', { name: 'Replay' });
  const time = bar.getByLabel('Replay time');
  await expect(time).toContainText('11 Mar 2025');

  await bar.getByRole('button', { name: 'Pause' }).click();
  await expect(bar.getByRole('button', { name: 'Play' })).toBeVisible();
  const held = await time.textContent();
  const pausedAt = (await replayState(url)).position;
  await page.waitForTimeout(1500);
  await expect(time).toHaveText(held ?? '');
  expect((await replayState(url)).position).toBe(pausedAt);

  await bar.getByLabel('Speed').selectOption('10');
  await expect.poll(async () => (await replayState(url)).speed).toBe(10);

  // Back to the start of the recording: the server rebuilds its market there and the page resyncs.
  await bar.getByLabel('Replay position').focus();
  await page.keyboard.press('Home');
  const { start } = await replayState(url);
  await expect.poll(async () => (await replayState(url)).position).toBe(start);
  await expect(time).toContainText('14:59:5');
  await expect(page.getByRole('status')).toHaveText('live', { timeout: 15_000 });
  await expect(lastCell(page, 'BTC-USD')).toHaveText(/\d/, { timeout: 10_000 });

  // Playing at ten times the real pace: more than five seconds of the recording in one real second.
  await bar.getByRole('button', { name: 'Play' }).click();
  await page.waitForTimeout(1000);
  expect((await replayState(url)).position - start).toBeGreaterThan(5000);
});
