import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { chart, openDashboard } from './board';

const docs = fileURLToPath(new URL('../../docs/', import.meta.url));

/** Screenshots the page into the test's output and into docs/ for the README. */
async function capture(page: Page, testInfo: TestInfo, name: string) {
  await expect(chart(page, 'AAPL')).toHaveAttribute('data-state', 'ready');
  // Park the pointer away from the board and the chart so no hover state shows.
  await page.mouse.move(0, 0);
  const shot = join(testInfo.project.outputDir, `${name}.png`);
  await page.screenshot({ path: shot });
  await testInfo.attach(name, { path: shot, contentType: 'image/png' });
  await mkdir(docs, { recursive: true });
  await copyFile(shot, join(docs, `${name}.png`));
}

test('captures the dashboard for the README: two charts, dark', async ({ page }, testInfo) => {
  await openDashboard(page);
  await page.getByRole('combobox', { name: 'Layout' }).selectOption({ label: '2 charts' });
  await expect(chart(page, 'BTC-USD')).toHaveAttribute('data-state', 'ready');
  await capture(page, testInfo, 'screenshot');
});

test('captures the light theme for the README', async ({ page }, testInfo) => {
  await openDashboard(page);
  await page.getByRole('combobox', { name: 'Theme' }).selectOption({ label: 'Light' });
  await capture(page, testInfo, 'screenshot-light');
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('captures the phone layout for the README', async ({ page }, testInfo) => {
    await openDashboard(page);
    await capture(page, testInfo, 'screenshot-phone');
  });
});

test.describe('on a tablet', () => {
  test.use({ viewport: { width: 820, height: 1180 }, hasTouch: true, isMobile: true });

  test('captures the portrait tablet layout for the README', async ({ page }, testInfo) => {
    await openDashboard(page);
    await capture(page, testInfo, 'screenshot-tablet');
  });
});
