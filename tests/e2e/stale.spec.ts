import { expect, test } from '@playwright/test';
import { connection, DEFAULT_SYMBOLS, openDashboard, row, watchlist } from './board';
import { startServer, type RunningServer } from './server';

let server: RunningServer | undefined;

test.afterEach(async () => {
  await server?.stop();
  server = undefined;
});

test('greys every row with its age when the server stops, and clears the marks when it is back', async ({
  page,
}) => {
  test.setTimeout(90_000);
  server = await startServer();
  const { port, url } = server;
  await openDashboard(page, `${url}/`);
  await expect(watchlist(page).locator('tbody tr[data-stale="true"]')).toHaveCount(0);
  const banner = page.getByTestId('chart-banner');
  await expect(banner).toBeHidden();

  await server.stop();
  await expect(connection(page)).toHaveAttribute('data-status', 'reconnecting', { timeout: 15_000 });
  for (const symbol of DEFAULT_SYMBOLS) await expect(row(page, symbol)).toHaveAttribute('data-stale', 'true');
  await expect(row(page, 'AAPL').getByTestId('stale-age')).toHaveText(/\d+ s ago/);
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('disconnected');

  server = await startServer(port);
  await expect(connection(page)).toHaveAttribute('data-status', 'live', { timeout: 30_000 });
  await expect(watchlist(page).locator('tbody tr[data-stale="true"]')).toHaveCount(0);
  await expect(row(page, 'AAPL').getByTestId('stale-age')).toHaveCount(0);
  await expect(banner).toBeHidden();
  // The chart was subscribed again: its header says so, as a data-quality hint.
  await expect(page.getByTestId('chart-quality')).toHaveText(/^resynced \d+×$/, { timeout: 15_000 });
});
