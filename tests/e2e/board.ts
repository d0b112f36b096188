import { expect, type Locator, type Page } from '@playwright/test';

/** The symbols a first visit shows (DEFAULT_WATCHLIST in the store). */
export const DEFAULT_SYMBOLS = [
  'AAPL',
  'MSFT',
  'NVDA',
  'TSLA',
  'SPY',
  'BTC-USD',
  'ETH-USD',
  'EURUSD',
  'USDJPY',
];

export const watchlist = (page: Page): Locator => page.getByRole('table', { name: 'Watchlist' });

export const row = (page: Page, symbol: string): Locator =>
  watchlist(page).getByRole('row', { name: symbol, exact: true });

/** The "Last" cell of a row (the symbol is the row header, so data cells start with Last). */
export const lastCell = (page: Page, symbol: string): Locator => row(page, symbol).getByRole('cell').first();

/** The chart of `symbol`, by its region and the container that describes what it draws. */
export const chart = (page: Page, symbol: string): Locator =>
  page.getByRole('region', { name: `Chart ${symbol}` }).getByTestId('price-chart');

/** The options of the "Add symbol" search. */
export const symbolOptions = (page: Page): Locator => page.getByRole('listbox', { name: 'Symbols' });

/** The connection badge; `data-status` is its state (`live`, `reconnecting`…). */
export const connection = (page: Page): Locator => page.getByRole('status', { name: 'Connection' });

/** Opens the dashboard and waits until the feed is live and every default row has a price. */
export async function openDashboard(page: Page, path = '/', symbols = DEFAULT_SYMBOLS): Promise<void> {
  await page.goto(path);
  await expect(connection(page)).toHaveAttribute('data-status', 'live', { timeout: 15_000 });
  const rows = watchlist(page).locator('tbody tr');
  await expect(rows.locator('td:first-of-type')).toHaveText(
    symbols.map(() => /\d/),
    { timeout: 10_000 },
  );
}

/** The board's symbols, top to bottom. */
export async function boardSymbols(page: Page): Promise<string[]> {
  return watchlist(page)
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((row) => row.getAttribute('aria-label') ?? ''));
}

/** What is on screen and shorter than a finger (44 px): buttons, selects, links, inputs and board rows. */
export async function smallTargets(page: Page): Promise<{ what: string; height: number }[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('button, select, a, input, tbody tr')]
      // What is on screen, but for the chart library's own attribution link inside the canvas.
      .filter(
        (element) =>
          element.checkVisibility({ visibilityProperty: true }) && !element.closest('.chart-canvas'),
      )
      // A checkbox is hit through its label.
      .map((element) =>
        element.matches('input[type="checkbox"]') ? (element.closest('label') ?? element) : element,
      )
      .map((element) => ({
        what: `${element.tagName} ${element.getAttribute('aria-label') ?? element.textContent?.trim().slice(0, 20)}`,
        height: Math.round(element.getBoundingClientRect().height),
      }))
      .filter(({ height }) => height < 44),
  );
}

/** How far the page scrolls sideways (0 when it fits the width). */
export async function sidewaysScroll(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** Board cells whose text is wider than the cell (figures that would run into their neighbours). */
export async function overflowingCells(page: Page): Promise<string[]> {
  return watchlist(page)
    .locator('td, th')
    .evaluateAll((cells) =>
      cells
        .filter((cell) => cell.checkVisibility() && cell.scrollWidth > cell.clientWidth + 1)
        .map(
          (cell) =>
            `${cell.closest('tr')?.getAttribute('aria-label') ?? 'header'} ${cell.getAttribute('data-column') ?? cell.className}`,
        ),
    );
}
