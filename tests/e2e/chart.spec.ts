import { readFile } from 'node:fs/promises';
import { expect, test, type Locator } from '@playwright/test';
import { chart, connection, openDashboard, row } from './board';

const bars = async (container: Locator) => Number(await container.getAttribute('data-bars'));

test('clicking a row switches the chart to its symbol', async ({ page }) => {
  await openDashboard(page);
  await row(page, 'ETH-USD').click();
  const eth = chart(page, 'ETH-USD');
  await expect(eth).toBeVisible();
  await expect(eth).toHaveAttribute('data-symbol', 'ETH-USD');
  await expect(eth).toHaveAttribute('data-state', 'ready');
  expect(await bars(eth)).toBeGreaterThan(0);
});

test('the interval switcher replaces the bars, and the feed stays live', async ({ page }) => {
  await openDashboard(page);
  const aapl = chart(page, 'AAPL');
  await expect(aapl).toHaveAttribute('data-interval', '1m');
  await expect(aapl).toHaveAttribute('data-state', 'ready');
  const firstMinuteBar = await aapl.getAttribute('data-first-time');

  const intervals = page.getByRole('group', { name: 'Interval' });
  await intervals.getByRole('button', { name: '5m', exact: true }).click();
  await expect(intervals.getByRole('button', { name: '5m', exact: true })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await expect(intervals.getByRole('button', { name: '1m', exact: true })).toHaveAttribute(
    'aria-pressed',
    'false',
  );
  await expect(aapl).toHaveAttribute('data-interval', '5m');
  await expect(aapl).toHaveAttribute('data-state', 'ready');
  await expect(aapl).not.toHaveAttribute('data-first-time', firstMinuteBar ?? '');
  // Every 5m bar starts on a five-minute boundary.
  expect(Number(await aapl.getAttribute('data-first-time')) % 300).toBe(0);
  expect(Number(await aapl.getAttribute('data-last-time')) % 300).toBe(0);

  await expect(connection(page)).toHaveAttribute('data-status', 'live');
});

test('dragging the chart back in time loads a page of older bars and keeps the view, and back at the newest bar gives them back', async ({
  page,
}) => {
  // Paging in and giving back take a few live updates each: room for a loaded machine.
  test.setTimeout(90_000);
  await openDashboard(page);
  const aapl = chart(page, 'AAPL');
  await expect(aapl).toHaveAttribute('data-state', 'ready');
  const firstTime = Number(await aapl.getAttribute('data-first-time'));
  const firstBarTime = async () => Number(await aapl.getAttribute('data-first-time'));

  const box = await aapl.boundingBox();
  if (!box) throw new Error('the chart has no box');
  const y = box.y + box.height / 2;
  await expect
    .poll(
      async () => {
        await page.mouse.move(box.x + 40, y);
        await page.mouse.down();
        await page.mouse.move(box.x + box.width - 80, y, { steps: 8 });
        await page.mouse.up();
        // A live bar can add to the count at any minute; only older history moves the first bar back.
        return firstBarTime();
      },
      { timeout: 30_000 },
    )
    .toBeLessThan(firstTime);

  // Had the view jumped to the new first bar, it would sit at the edge again and page through all the history.
  const paged = await firstBarTime();
  const held = await bars(aapl);
  await page.waitForTimeout(1_500);
  expect(await firstBarTime()).toBe(paged);
  // Scrolled back, the history paged in stays.
  expect(await bars(aapl)).toBeGreaterThanOrEqual(held);

  // Back at the newest bar, the chart gives the history back at its next update: the page stays bounded.
  await page.getByRole('button', { name: 'Jump to newest bar' }).click();
  await expect(aapl).toHaveAttribute('data-scrolled', 'false');
  await expect.poll(() => firstBarTime(), { timeout: 30_000 }).toBeGreaterThan(paged);
  expect(await bars(aapl)).toBeLessThan(held);
  expect(await bars(aapl)).toBeGreaterThanOrEqual(500);
  await expect(aapl).toHaveAttribute('data-scrolled', 'false');
});

test('exports the bars of the chart as CSV', async ({ page }) => {
  await openDashboard(page);
  const aapl = chart(page, 'AAPL');
  await expect(aapl).toHaveAttribute('data-state', 'ready');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('AAPL-1m.csv');
  const path = await download.path();
  const [header, ...rows] = (await readFile(path, 'utf8')).trimEnd().split('\r\n');
  expect(header).toBe('time,open,high,low,close,volume');
  // The chart's bars, from its first to (at least) its newest when asked.
  expect(rows[0]?.split(',')[0]).toBe(await aapl.getAttribute('data-first-time'));
  expect(rows.length).toBeGreaterThanOrEqual(Number(await aapl.getAttribute('data-bars')) - 1);
  for (const row of rows) expect(row).toMatch(/^\d+(,-?\d+(\.\d+)?){5}$/);
});
