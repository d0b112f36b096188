import { expect, test, type Page } from '@playwright/test';
import { boardSymbols, DEFAULT_SYMBOLS, openDashboard, watchlist } from './board';

const header = (page: Page, name: string) =>
  watchlist(page).getByRole('columnheader', { name: new RegExp(`^${name}`) });

/** The board's change % values, top to bottom, read in one go with the order. */
const percents = (page: Page) =>
  watchlist(page)
    .locator('tbody tr td[data-column="changePercent"]')
    .evaluateAll((cells) =>
      cells.map((cell) => Number((cell.textContent ?? '').replace('−', '-').replace(/[%+,]/g, ''))),
    );

test('sorts by a header click with aria-sort, flips on a second click and goes back on a third', async ({
  page,
}) => {
  await openDashboard(page);
  const symbol = header(page, 'Symbol');
  await expect(symbol).toHaveAttribute('aria-sort', 'none');
  await symbol.getByRole('button').click();
  await expect(symbol).toHaveAttribute('aria-sort', 'ascending');
  await expect.poll(() => boardSymbols(page)).toEqual([...DEFAULT_SYMBOLS].sort());
  await symbol.getByRole('button').click();
  await expect(symbol).toHaveAttribute('aria-sort', 'descending');
  await expect.poll(() => boardSymbols(page)).toEqual([...DEFAULT_SYMBOLS].sort().reverse());
  await symbol.getByRole('button').click();
  await expect(symbol).toHaveAttribute('aria-sort', 'none');
  await expect.poll(() => boardSymbols(page)).toEqual(DEFAULT_SYMBOLS);

  const change = header(page, 'Change %');
  await change.getByRole('button').click();
  await expect(change).toHaveAttribute('aria-sort', 'descending');
  await expect(symbol).toHaveAttribute('aria-sort', 'none');
  // Re-sorted at most once a second while values move four times a second: some read sees them in order.
  await expect
    .poll(async () => {
      const values = await percents(page);
      return values.every((value, i) => i === 0 || (values[i - 1] as number) >= value);
    })
    .toBe(true);

  await page.reload();
  await expect(header(page, 'Change %')).toHaveAttribute('aria-sort', 'descending');
});

test('hides, shows and moves columns from the column chooser', async ({ page }) => {
  await openDashboard(page);
  await expect(header(page, 'Spread')).toBeVisible();
  await page.getByText('Columns', { exact: true }).click();
  await page.getByRole('checkbox', { name: 'Spread' }).uncheck();
  await expect(header(page, 'Spread')).toHaveCount(0);
  await expect(watchlist(page).locator('td[data-column="spread"]')).toHaveCount(0);

  await page.getByRole('button', { name: 'Move Volume left' }).click();
  const titles = await watchlist(page).locator('thead th').allInnerTexts();
  expect(titles.map((t) => t.trim().toLowerCase()).slice(0, 7)).toEqual([
    'symbol',
    'last',
    'change',
    'change %',
    'bid',
    'volume',
    'ask',
  ]);
  await page.getByRole('checkbox', { name: 'Spread' }).check();
  await expect(header(page, 'Spread')).toBeVisible();
});
