import { expect, test, type Page } from '@playwright/test';
import { chart, lastCell, openDashboard, row } from './board';

const alerts = (page: Page) => page.getByRole('region', { name: 'Alerts' });

/** Sets a price alert on AAPL `ticks` cents from the last price, from the row's "Add alert". */
async function setAlert(page: Page, direction: 'above' | 'below', cents: number) {
  await row(page, 'AAPL').hover();
  await page.getByRole('button', { name: 'Add alert for AAPL' }).click();
  const level = alerts(page).getByRole('spinbutton', { name: 'Level', exact: true });
  await expect(level).toBeFocused();
  const last = Number(await level.inputValue());
  await alerts(page)
    .getByRole('combobox', { name: 'Condition' })
    .selectOption({
      label: direction === 'above' ? 'Price crosses above' : 'Price crosses below',
    });
  await level.fill((last + cents / 100).toFixed(2));
  await alerts(page).getByRole('button', { name: 'Set alert' }).click();
}

test('an alert fires a toast when the price crosses its level, shows on the chart, and survives a reload', async ({
  page,
}) => {
  test.setTimeout(60_000);
  await openDashboard(page);
  await expect(lastCell(page, 'AAPL')).toHaveText(/\d/);
  // One level a cent above the price and one a cent below: whichever way it moves, one is crossed.
  await setAlert(page, 'above', 1);
  await setAlert(page, 'below', -1);
  const items = alerts(page).getByRole('listitem');
  await expect(items).toHaveCount(2);
  await expect(chart(page, 'AAPL')).toHaveAttribute('data-alert-lines', '2');

  const toast = page.getByRole('alert').filter({ hasText: /AAPL price (above|below)/ });
  await expect(toast.first()).toBeVisible({ timeout: 30_000 });
  await expect(items.filter({ hasText: /fired/ }).first()).toBeVisible();

  await page.reload();
  await expect(items).toHaveCount(2);
  await expect(items.filter({ hasText: /fired/ }).first()).toBeVisible();
  await expect(chart(page, 'AAPL')).toHaveAttribute('data-alert-lines', '2');

  await items
    .first()
    .getByRole('button', { name: /^Remove alert/ })
    .click();
  await expect(items).toHaveCount(1);
  await page.reload();
  await expect(items).toHaveCount(1);
});

test('a change % alert can be set and edited from the Alerts region', async ({ page }) => {
  await openDashboard(page);
  const region = alerts(page);
  await region.getByRole('combobox', { name: 'Alert symbol' }).selectOption('BTC-USD');
  await region.getByRole('combobox', { name: 'Condition' }).selectOption({ label: 'Change % crosses below' });
  await region.getByRole('spinbutton', { name: 'Level', exact: true }).fill('-50');
  await region.getByRole('button', { name: 'Set alert' }).click();
  const item = region.getByRole('listitem');
  await expect(item).toContainText('BTC-USD change % below');
  await expect(item).toContainText('armed');
  const level = item.getByRole('spinbutton');
  await level.fill('-40');
  await level.blur();
  await page.reload();
  await expect(region.getByRole('listitem').getByRole('spinbutton')).toHaveValue('-40');
});
