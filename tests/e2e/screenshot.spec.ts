import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { chart, openDashboard } from './board';

const docs = fileURLToPath(new URL('../../docs/', import.meta.url));

test('captures the dashboard for the README', async ({ page }, testInfo) => {
  await openDashboard(page);
  await expect(chart(page, 'AAPL')).toHaveAttribute('data-state', 'ready');
  // Park the pointer away from the board and the chart so no hover state shows.
  await page.mouse.move(0, 0);

  const shot = join(testInfo.project.outputDir, 'dashboard.png');
  await page.screenshot({ path: shot, fullPage: true });
  await testInfo.attach('dashboard', { path: shot, contentType: 'image/png' });
  await mkdir(docs, { recursive: true });
  await copyFile(shot, join(docs, 'screenshot.png'));
});
