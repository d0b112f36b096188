import { expect, test, type Page } from '@playwright/test';
import { DEFAULT_SYMBOLS, boardSymbols, lastCell, openDashboard, row, symbolOptions } from './board';

const lists = (page: Page) => page.getByRole('combobox', { name: 'Lists' });
const search = (page: Page) => page.getByRole('combobox', { name: 'Add symbol' });

async function addSymbol(page: Page, symbol: string) {
  await search(page).fill(symbol);
  await symbolOptions(page)
    .getByRole('option', { name: new RegExp(`^${symbol}\\b`) })
    .click();
  await expect(row(page, symbol)).toBeVisible();
}

test('creates, renames and switches lists, each with its own symbols, and keeps them over a reload', async ({
  page,
}) => {
  await openDashboard(page);
  await page.getByRole('button', { name: 'New list' }).click();
  const name = page.getByRole('textbox', { name: 'List name' });
  await expect(name).toBeFocused();
  await name.fill('Crypto');
  await name.press('Enter');
  await expect(lists(page)).toHaveText(/Crypto \(0\)/);
  await expect(page.getByText('This list is empty')).toBeVisible();

  await addSymbol(page, 'BTC-USD');
  await addSymbol(page, 'ETH-USD');
  await expect(lastCell(page, 'ETH-USD')).toHaveText(/\d/);
  expect(await boardSymbols(page)).toEqual(['BTC-USD', 'ETH-USD']);

  await page.getByRole('button', { name: 'Rename' }).click();
  await name.fill('Coins');
  await name.press('Enter');

  await lists(page).selectOption({ label: `Watchlist (${DEFAULT_SYMBOLS.length})` });
  expect(await boardSymbols(page)).toEqual(DEFAULT_SYMBOLS);

  await page.reload();
  await expect(row(page, 'AAPL')).toBeVisible();
  await lists(page).selectOption({ label: 'Coins (2)' });
  await expect.poll(() => boardSymbols(page)).toEqual(['BTC-USD', 'ETH-USD']);

  await page.getByRole('button', { name: 'Delete list' }).click();
  await expect(lists(page).getByRole('option')).toHaveText([`Watchlist (${DEFAULT_SYMBOLS.length})`]);
  await expect.poll(() => boardSymbols(page)).toEqual(DEFAULT_SYMBOLS);
});

test('says "No match" for a symbol that does not exist', async ({ page }) => {
  await openDashboard(page);
  await search(page).fill('ZZZQ');
  await expect(page.getByText('No match for “ZZZQ”')).toBeVisible();
  await expect(search(page)).toHaveAttribute('aria-expanded', 'false');
});

test('removes a row with the Delete key and moves rows with Alt+arrows and by drag', async ({ page }) => {
  await openDashboard(page);
  await row(page, 'TSLA').focus();
  await page.keyboard.press('Delete');
  await expect(row(page, 'TSLA')).toHaveCount(0);
  const listed = DEFAULT_SYMBOLS.filter((s) => s !== 'TSLA');
  expect(await boardSymbols(page)).toEqual(listed);

  await row(page, 'AAPL').focus();
  await page.keyboard.press('Alt+ArrowDown');
  await page.keyboard.press('Alt+ArrowDown');
  await expect.poll(() => boardSymbols(page)).toEqual(['MSFT', 'NVDA', 'AAPL', ...listed.slice(3)]);
  await expect(row(page, 'AAPL')).toBeFocused();
  await page.keyboard.press('Alt+ArrowUp');
  await expect.poll(() => boardSymbols(page)).toEqual(['MSFT', 'AAPL', 'NVDA', ...listed.slice(3)]);

  await row(page, 'USDJPY').dragTo(row(page, 'MSFT'));
  await expect
    .poll(() => boardSymbols(page))
    .toEqual(['USDJPY', 'MSFT', 'AAPL', 'NVDA', 'SPY', 'BTC-USD', 'ETH-USD', 'EURUSD']);

  await page.reload();
  await expect(row(page, 'AAPL')).toBeVisible();
  expect(await boardSymbols(page)).toEqual([
    'USDJPY',
    'MSFT',
    'AAPL',
    'NVDA',
    'SPY',
    'BTC-USD',
    'ETH-USD',
    'EURUSD',
  ]);
});

test('a ?symbols= link opens exactly those rows and can be saved as a list', async ({ page }) => {
  await openDashboard(page, '/?symbols=AAPL,MSFT,BTC-USD', ['AAPL', 'MSFT', 'BTC-USD']);
  expect(await boardSymbols(page)).toEqual(['AAPL', 'MSFT', 'BTC-USD']);
  const linked = page.getByRole('region', { name: 'Linked symbols' });
  await expect(linked).toContainText('AAPL, MSFT, BTC-USD');

  await linked.getByRole('button', { name: 'Save as list' }).click();
  await expect(linked).toHaveCount(0);
  await expect(lists(page)).toHaveText(/Shared list \(3\)/);
  await expect(page).toHaveURL(/\/$/);

  await page.reload();
  await expect(row(page, 'BTC-USD')).toBeVisible();
  expect(await boardSymbols(page)).toEqual(['AAPL', 'MSFT', 'BTC-USD']);
});

test('"Share" copies the link that opens the current list', async ({ page, context, baseURL }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openDashboard(page);
  await page.getByRole('button', { name: 'Share' }).click();
  await expect(page.getByText('Link copied')).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(`${baseURL}/?symbols=${DEFAULT_SYMBOLS.join(',')}`);

  await page.goto(copied);
  await expect.poll(() => boardSymbols(page)).toEqual(DEFAULT_SYMBOLS);
  await expect(page.getByRole('region', { name: 'Linked symbols' })).toBeVisible();
});
