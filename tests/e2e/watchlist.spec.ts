import { expect, test } from '@playwright/test';
import {
  DEFAULT_SYMBOLS,
  lastCell,
  openDashboard,
  overflowingCells,
  row,
  symbolOptions,
  watchlist,
} from './board';

test('shows the default watchlist with prices that move', async ({ page }) => {
  await openDashboard(page);
  for (const symbol of DEFAULT_SYMBOLS) await expect(row(page, symbol)).toBeVisible();
  // Every figure has room in its cell, six-figure crypto prices included.
  expect(await overflowingCells(page)).toEqual([]);

  const before = await Promise.all(DEFAULT_SYMBOLS.map((symbol) => lastCell(page, symbol).innerText()));
  await expect
    .poll(async () => Promise.all(DEFAULT_SYMBOLS.map((symbol) => lastCell(page, symbol).innerText())), {
      timeout: 3_000,
    })
    .not.toEqual(before);
});

test('flashes a cell when its value changes', async ({ page }) => {
  await openDashboard(page);
  // The flash lasts under a second; waitFor watches the page continuously, so it cannot miss one.
  const flashing = watchlist(page).locator('td[data-flash]').first();
  await flashing.waitFor({ state: 'attached', timeout: 3_000 });
  // It fades a layer of its own by opacity alone, which the compositor can run without restyling the cell.
  const animated = await page.waitForFunction(
    () => {
      const layer = document.querySelector('table[aria-label="Watchlist"] td[data-flash] .flash');
      const frames = layer
        ?.getAnimations()
        .flatMap((animation) => (animation.effect as KeyframeEffect).getKeyframes());
      const properties = frames?.flatMap((frame) =>
        Object.keys(frame).filter(
          (key) => !['offset', 'computedOffset', 'easing', 'composite'].includes(key),
        ),
      );
      return properties?.length ? [...new Set(properties)] : undefined;
    },
    undefined,
    { timeout: 3_000 },
  );
  expect(await animated.jsonValue()).toEqual(['opacity']);
});

test('adds a symbol from the search and removes one, and both survive a reload', async ({ page }) => {
  await openDashboard(page);
  await page.locator('body').press('/');
  const search = page.getByRole('combobox', { name: 'Add symbol' });
  await expect(search).toBeFocused();

  await search.pressSequentially('AMZ');
  await expect(search).toHaveAttribute('aria-expanded', 'true');
  await expect(symbolOptions(page).getByRole('option', { name: /AMZN/ })).toBeVisible();
  await search.press('ArrowDown');
  await expect(search).toHaveAttribute('aria-activedescendant', /.+/);
  await search.press('Enter');
  await expect(row(page, 'AMZN')).toBeVisible();
  await expect(search).toHaveValue('');
  await expect(search).toHaveAttribute('aria-expanded', 'false');
  await expect(lastCell(page, 'AMZN')).toHaveText(/\d/);

  await page.getByRole('button', { name: 'Remove TSLA' }).click();
  await expect(row(page, 'TSLA')).toHaveCount(0);

  await page.reload();
  await expect(row(page, 'AMZN')).toBeVisible();
  await expect(row(page, 'AAPL')).toBeVisible();
  await expect(row(page, 'TSLA')).toHaveCount(0);
});

test('marks symbols already listed and skips them', async ({ page }) => {
  await openDashboard(page);
  const search = page.getByRole('combobox', { name: 'Add symbol' });
  await search.fill('AAP');
  await expect(symbolOptions(page).getByRole('option', { name: /AAPL/ })).toHaveAttribute(
    'aria-disabled',
    'true',
  );
  await search.press('Escape');
  await expect(search).toHaveAttribute('aria-expanded', 'false');
});

test('selects a row with the keyboard', async ({ page }) => {
  await openDashboard(page);
  await row(page, 'NVDA').focus();
  await page.keyboard.press('Enter');
  await expect(row(page, 'NVDA')).toHaveAttribute('aria-current', 'true');
  await expect(page.getByRole('region', { name: 'Chart NVDA' })).toBeVisible();
});

test('rows scrolled out of view keep moving, about once a second, and on every tick once back in view', async ({
  page,
}) => {
  // A long board: the last row starts well below the board's fold.
  const symbols = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOGL', 'META', 'TSLA', 'JPM', 'V', 'UNH', 'XOM', 'JNJ'];
  const list = [...symbols, 'WMT', 'PG', 'HD', 'KO', 'COST', 'NFLX', 'AMD', 'INTC', 'DIS', 'SPY', 'BTC-USD'];
  await openDashboard(page, `/?symbols=${list.join(',')}`, list);
  const last = lastCell(page, 'BTC-USD');
  await expect(last).not.toBeInViewport();

  // Out of view it still moves, about once a second.
  const before = await last.innerText();
  await expect.poll(() => last.innerText(), { timeout: 5_000 }).not.toBe(before);

  await last.scrollIntoViewIfNeeded();
  await expect(last).toBeInViewport();
  const shown = await last.innerText();
  await expect.poll(() => last.innerText(), { timeout: 5_000 }).not.toBe(shown);
});

test("each row's sparkline draws its trading day right after load, not only what streamed since", async ({
  page,
}) => {
  await openDashboard(page);
  // The market stands at 10:30 in New York: AAPL's regular session is an hour old (a dozen 5m closes), EURUSD's
  // day began at 17:00 the evening before (thinned to 64 points). Sampling live prices once a second would
  // take a minute to draw as many.
  const points = (symbol: string) =>
    row(page, symbol)
      .locator('.spark path')
      .evaluate((line) => (line.getAttribute('d') ?? '').match(/[ML]/g)?.length ?? 0);
  await expect.poll(() => points('AAPL'), { timeout: 5_000 }).toBeGreaterThanOrEqual(12);
  await expect.poll(() => points('EURUSD'), { timeout: 5_000 }).toBeGreaterThanOrEqual(60);
});

test("a row's sparkline starts again when its trading day ends, and only that row's is asked for", async ({
  page,
}) => {
  // The page's clock is Playwright's, so it can jump as a laptop's does when its lid opens after hours.
  await page.clock.install();
  await openDashboard(page, '/?symbols=AAPL,BTC-USD', ['AAPL', 'BTC-USD']);
  const spark = (symbol: string) => row(page, symbol).locator('.spark');
  const points = (symbol: string) =>
    spark(symbol)
      .locator('path')
      .evaluate((line) => (line.getAttribute('d') ?? '').match(/[ML]/g)?.length ?? 0);
  // 10:30 in New York, Tuesday 24 November 2026 at the server: Bitcoin's UTC day is 15 hours old.
  await expect(spark('BTC-USD')).toHaveAttribute('data-day', '2026-11-24', { timeout: 5_000 });
  await expect.poll(() => points('BTC-USD'), { timeout: 5_000 }).toBeGreaterThanOrEqual(60);
  await expect(spark('AAPL')).toHaveAttribute('data-day', '2026-11-24');
  const aaplPoints = await points('AAPL');

  const asked: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname === '/api/sparklines') asked.push(url.searchParams.get('symbols') ?? '');
  });
  // To just past midnight UTC at the server, as the page reckons it (its clock, which shows the server's).
  const serverNow = Date.parse((await page.locator('time.clock').getAttribute('datetime')) ?? '');
  const midnight = Date.parse('2026-11-25T00:00:00Z');
  expect(serverNow).toBeLessThan(midnight);
  await page.clock.fastForward(midnight - serverNow + 2_000);

  // Bitcoin's new day starts from nothing but the prices since; AAPL's day goes on until the next regular open.
  await expect(spark('BTC-USD')).toHaveAttribute('data-day', '2026-11-25', { timeout: 5_000 });
  await expect.poll(() => points('BTC-USD')).toBeLessThan(3);
  await expect.poll(() => asked).toContain('BTC-USD');
  await expect(spark('AAPL')).toHaveAttribute('data-day', '2026-11-24');
  expect(await points('AAPL')).toBeGreaterThanOrEqual(aaplPoints);
});
