import { expect, test, type Page } from '@playwright/test';
import { chart, lastCell, openDashboard, row } from './board';

const region = (page: Page, symbol: string) => page.getByRole('region', { name: `Chart ${symbol}` });

test('four charts, each with its own symbol and interval, a shared crosshair, kept over a reload', async ({
  page,
}) => {
  await openDashboard(page);
  await page.getByRole('combobox', { name: 'Layout' }).selectOption({ label: '4 charts' });
  for (const symbol of ['AAPL', 'BTC-USD', 'MSFT', 'EURUSD'])
    await expect(chart(page, symbol)).toHaveAttribute('data-state', 'ready');

  await region(page, 'MSFT')
    .getByRole('group', { name: 'Interval' })
    .getByRole('button', { name: '5m', exact: true })
    .click();
  await expect(chart(page, 'MSFT')).toHaveAttribute('data-interval', '5m');
  await expect(chart(page, 'AAPL')).toHaveAttribute('data-interval', '1m');

  // The MSFT chart is now the active one: a row click changes it, not the others.
  await row(page, 'NVDA').click();
  await expect(chart(page, 'NVDA')).toHaveAttribute('data-state', 'ready');
  await expect(chart(page, 'NVDA')).toHaveAttribute('data-interval', '5m');
  await expect(region(page, 'MSFT')).toHaveCount(0);
  await expect(chart(page, 'AAPL')).toBeVisible();

  const box = await chart(page, 'AAPL').boundingBox();
  if (!box) throw new Error('the AAPL chart has no box');
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5);
  await expect(chart(page, 'BTC-USD')).toHaveAttribute('data-crosshair-time', /^\d+$/);
  await expect(chart(page, 'NVDA')).toHaveAttribute('data-crosshair-time', /^\d+$/);
  await page.mouse.move(0, 0);
  await expect(chart(page, 'BTC-USD')).not.toHaveAttribute('data-crosshair-time', /.*/);

  await page.reload();
  for (const symbol of ['AAPL', 'BTC-USD', 'NVDA', 'EURUSD'])
    await expect(chart(page, symbol)).toHaveAttribute('data-state', 'ready');
  await expect(chart(page, 'NVDA')).toHaveAttribute('data-interval', '5m');
});

test('chart types, an overlay, a log scale and the last-price line', async ({ page }) => {
  await openDashboard(page);
  const aapl = chart(page, 'AAPL');
  const tools = region(page, 'AAPL');
  await expect(aapl).toHaveAttribute('data-state', 'ready');
  const types: [string, string][] = [
    ['Bars', 'bars'],
    ['Line', 'line'],
    ['Area', 'area'],
    ['Heikin-Ashi', 'heikin-ashi'],
  ];
  for (const [label, type] of types) {
    await tools.getByRole('combobox', { name: 'Chart type' }).selectOption({ label });
    await expect(aapl).toHaveAttribute('data-type', type);
    await expect(aapl).toHaveAttribute('data-state', 'ready');
  }
  await tools.getByText('Overlays', { exact: true }).first().click();
  await tools.getByRole('checkbox', { name: 'SMA 20' }).check();
  await tools.getByRole('checkbox', { name: 'VWAP' }).check();
  await expect(aapl).toHaveAttribute('data-overlays', 'sma vwap');
  await tools.getByRole('checkbox', { name: 'Volume MA 20' }).check();
  await expect(aapl).toHaveAttribute('data-overlays', 'sma vwap volume-ma');
  await tools.getByRole('checkbox', { name: 'Volume MA 20' }).uncheck();
  await expect(aapl).toHaveAttribute('data-overlays', 'sma vwap');
  await tools.getByRole('combobox', { name: 'Price scale' }).selectOption({ label: 'Percent' });
  await expect(aapl).toHaveAttribute('data-scale', 'percent');
  await tools.getByRole('combobox', { name: 'Price scale' }).selectOption({ label: 'Log' });
  await expect(aapl).toHaveAttribute('data-scale', 'log');

  // The last-price line follows the quote, as the board shows it.
  await expect
    .poll(async () => {
      const board = (await lastCell(page, 'AAPL').innerText()).replace(/[^\d.]/g, '');
      return Number(board) === Number(await aapl.getAttribute('data-last-price'));
    })
    .toBe(true);

  await page.reload();
  await expect(aapl).toHaveAttribute('data-type', 'heikin-ashi');
  await expect(aapl).toHaveAttribute('data-overlays', 'sma vwap');
});

test('the time axis in local, UTC or exchange time, and a way back to the newest bar', async ({ page }) => {
  await openDashboard(page);
  const aapl = chart(page, 'AAPL');
  await expect(aapl).toHaveAttribute('data-time-zone', 'local');
  const zone = page.getByRole('combobox', { name: 'Time zone' });
  await zone.selectOption({ label: 'UTC' });
  await expect(aapl).toHaveAttribute('data-time-zone', 'UTC');
  await zone.selectOption({ label: 'Exchange time' });
  await expect(aapl).toHaveAttribute('data-time-zone', 'America/New_York');
  await row(page, 'BTC-USD').click();
  await expect(chart(page, 'BTC-USD')).toHaveAttribute('data-time-zone', 'UTC');

  const btc = chart(page, 'BTC-USD');
  await expect(btc).toHaveAttribute('data-state', 'ready');
  const jump = page.getByRole('button', { name: 'Jump to newest bar' });
  await expect(jump).toBeHidden();
  const box = await btc.boundingBox();
  if (!box) throw new Error('the chart has no box');
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + 100, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width - 100, y, { steps: 6 });
  await page.mouse.up();
  await expect(jump).toBeVisible();
  // Scrolled away from the newest bar, the last-price line still shows the quote's last price, not the last
  // visible bar's close.
  await expect
    .poll(async () => {
      const board = (await lastCell(page, 'BTC-USD').innerText()).replace(/[^\d.]/g, '');
      return Number(board) === Number(await btc.getAttribute('data-last-price'));
    })
    .toBe(true);
  await jump.click();
  await expect(jump).toBeHidden();
});

test('the badge shows the round trip and the updates a second, and each chart its data quality', async ({
  page,
}) => {
  await openDashboard(page);
  await expect(page.getByTestId('link-figures')).toHaveText(/^\d+ ms · \d+ upd\/s$/, { timeout: 10_000 });
  await expect(page.getByTestId('link-figures')).not.toHaveText(/ 0 upd\/s/);
  await expect(chart(page, 'AAPL')).toHaveAttribute('data-quality', /^(live|revised bar)$/);
  await expect(region(page, 'AAPL').getByTestId('chart-quality')).toHaveText(/^(live|revised bar)$/);
});
