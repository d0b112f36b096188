import { expect, test } from '@playwright/test';
import {
  chart,
  openDashboard,
  overflowingCells,
  row,
  sidewaysScroll,
  smallTargets,
  watchlist,
} from './board';

test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

test('the board fits the width, and tapping a row brings its chart into view', async ({ page }) => {
  await openDashboard(page);
  expect(await sidewaysScroll(page)).toBeLessThanOrEqual(0);
  expect(await overflowingCells(page)).toEqual([]);

  await row(page, 'ETH-USD').tap();
  const eth = chart(page, 'ETH-USD');
  await expect(eth).toHaveAttribute('data-state', 'ready');
  await expect(eth).toBeInViewport({ ratio: 0.5 });
});

test('a row is removed with a tap on its remove button, and stays removed after a reload', async ({
  page,
}) => {
  await openDashboard(page);
  await row(page, 'TSLA').getByRole('button', { name: 'Remove TSLA' }).tap();
  await expect(row(page, 'TSLA')).toHaveCount(0);
  await page.reload();
  await expect(row(page, 'MSFT')).toBeVisible();
  await expect(row(page, 'TSLA')).toHaveCount(0);
});

test('the chart is one tap away, and rows and controls are at least 44 px tall', async ({ page }) => {
  await openDashboard(page);
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Chart' }).tap();
  await expect(chart(page, 'AAPL')).toBeInViewport({ ratio: 0.5 });

  const heights = await smallTargets(page);
  expect(heights).toEqual([]);
  await expect(watchlist(page)).toBeVisible();
});
