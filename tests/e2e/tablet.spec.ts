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

test.describe('on a tablet in portrait (820×1180)', () => {
  test.use({ viewport: { width: 820, height: 1180 }, hasTouch: true, isMobile: true });

  test('the board fits the width with room for every figure, and the chart comes straight after it', async ({
    page,
  }) => {
    await openDashboard(page);
    expect(await sidewaysScroll(page)).toBeLessThanOrEqual(0);
    expect(await overflowingCells(page)).toEqual([]);
    // A tablet's board keeps the sparkline and the day range.
    await expect(watchlist(page).getByRole('columnheader', { name: 'Trend' })).toBeVisible();
    await expect(watchlist(page).getByRole('columnheader', { name: 'Day range' })).toBeVisible();

    const boardBottom = await watchlist(page).evaluate((table) => table.getBoundingClientRect().bottom);
    const chartTop = await page
      .getByRole('region', { name: 'Chart AAPL' })
      .evaluate((panel) => panel.getBoundingClientRect().top);
    const alertsTop = await page
      .getByRole('region', { name: 'Alerts' })
      .evaluate((panel) => panel.getBoundingClientRect().top);
    expect(chartTop).toBeGreaterThanOrEqual(boardBottom);
    expect(chartTop - boardBottom).toBeLessThan(20);
    expect(alertsTop).toBeGreaterThan(chartTop);
  });

  test('tapping a row brings its chart into view, and every target is at least 44 px tall', async ({
    page,
  }) => {
    await openDashboard(page);
    expect(await smallTargets(page)).toEqual([]);
    await row(page, 'ETH-USD').tap();
    const eth = chart(page, 'ETH-USD');
    await expect(eth).toHaveAttribute('data-state', 'ready');
    await expect(eth).toBeInViewport({ ratio: 0.5 });
  });
});

test.describe('on a tablet in landscape (1180×820)', () => {
  test.use({ viewport: { width: 1180, height: 820 }, hasTouch: true, isMobile: true });

  test('board and chart sit side by side, with room for every figure and finger-sized targets', async ({
    page,
  }) => {
    await openDashboard(page);
    expect(await sidewaysScroll(page)).toBeLessThanOrEqual(0);
    expect(await overflowingCells(page)).toEqual([]);
    expect(await smallTargets(page)).toEqual([]);

    const board = await watchlist(page).boundingBox();
    const panel = await page.getByRole('region', { name: 'Chart AAPL' }).boundingBox();
    if (!board || !panel) throw new Error('the board or the chart has no box');
    expect(panel.x).toBeGreaterThanOrEqual(board.x + board.width - 1);
    await expect(chart(page, 'AAPL')).toBeInViewport({ ratio: 0.9 });

    await row(page, 'BTC-USD').tap();
    await expect(chart(page, 'BTC-USD')).toHaveAttribute('data-state', 'ready');
    await expect(chart(page, 'BTC-USD')).toBeInViewport({ ratio: 0.9 });
  });
});
