import { expect, test } from '@playwright/test';
import { DEFAULT_SYMBOLS, openDashboard, row } from './board';

test('the board is walked with the arrows, Home and End, with a visible focus ring', async ({ page }) => {
  await openDashboard(page);
  await row(page, 'MSFT').focus();
  await page.keyboard.press('End');
  const last = DEFAULT_SYMBOLS.at(-1) as string;
  await expect(row(page, last)).toBeFocused();
  await expect(row(page, last)).toHaveAttribute('aria-current', 'true');
  const outline = await row(page, last).evaluate((element) => getComputedStyle(element).outlineStyle);
  expect(outline).not.toBe('none');
  await page.keyboard.press('Home');
  await expect(row(page, 'AAPL')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(row(page, 'MSFT')).toBeFocused();
  await expect(page.getByRole('region', { name: 'Chart MSFT' })).toBeVisible();
});

test('Tab reaches the search, the lists, the board and the chart controls in order', async ({ page }) => {
  await openDashboard(page);
  await page.locator('body').click({ position: { x: 1, y: 1 } });
  const reached: string[] = [];
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    reached.push(
      await page.evaluate(() => {
        const element = document.activeElement;
        return element?.getAttribute('aria-label') ?? element?.textContent?.trim().slice(0, 20) ?? '';
      }),
    );
  }
  const at = (name: string) => reached.indexOf(name);
  expect(at('Add symbol')).toBeGreaterThanOrEqual(0);
  expect(at('Lists')).toBeGreaterThan(at('Add symbol'));
  expect(at('AAPL')).toBeGreaterThan(at('Lists'));
});
