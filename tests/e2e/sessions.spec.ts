import { expect, test } from '@playwright/test';
import { lastCell } from './board';
import { startServerProcess, type ServerProcess } from './server-process';

test.describe.configure({ timeout: 120_000 });

let weekend: ServerProcess | undefined;
let preMarket: ServerProcess | undefined;

test.beforeAll(async () => {
  [weekend, preMarket] = await Promise.all([
    // Saturday 8 March 2025, noon New York: equities and FX closed, crypto trading.
    startServerProcess('dist/main.js', { SIM_START: '2025-03-08T17:00:00Z', HISTORY_BARS: '500' }),
    // Tuesday 11 March 2025, 08:00 New York: pre-market.
    startServerProcess('dist/main.js', { SIM_START: '2025-03-11T12:00:00Z', HISTORY_BARS: '500' }),
  ]);
});

test.afterAll(async () => {
  await Promise.all([weekend?.stop(), preMarket?.stop()]);
});

test('the board marks closed markets at the weekend and keeps their last prices', async ({ page }) => {
  await page.goto((weekend as ServerProcess).url);
  await expect(page.getByRole('status')).toHaveText('live', { timeout: 15_000 });
  for (const symbol of ['AAPL', 'SPY', 'EURUSD']) {
    await expect(lastCell(page, symbol)).toContainText(/\d.*closed/, { timeout: 10_000 });
  }
  await expect(lastCell(page, 'BTC-USD')).toHaveText(/\d/);
  await expect(lastCell(page, 'BTC-USD')).not.toContainText('closed');
});

test('the board marks pre-market equities', async ({ page }) => {
  await page.goto((preMarket as ServerProcess).url);
  await expect(page.getByRole('status')).toHaveText('live', { timeout: 15_000 });
  await expect(lastCell(page, 'AAPL')).toContainText(/\d.*pre/, { timeout: 10_000 });
  await expect(lastCell(page, 'EURUSD')).not.toContainText(/pre|closed/);
});
