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

/** Sets one alert a cent above AAPL's price and one a cent below, so that whichever way it moves, one fires. */
async function setCrossingPair(page: Page) {
  await setAlert(page, 'above', 1);
  await setAlert(page, 'below', -1);
  await expect(alerts(page).getByRole('listitem')).toHaveCount(2);
}

/** Removes every alert in the Alerts region. */
async function removeAlerts(page: Page) {
  const remove = alerts(page).getByRole('button', { name: /^Remove alert/ });
  while ((await remove.count()) > 0) await remove.first().click();
}

const firedItem = (page: Page) => alerts(page).getByRole('listitem').filter({ hasText: /fired/ }).first();

test('dragging an alert line on the chart moves its level, and the new level survives a reload', async ({
  page,
}) => {
  await openDashboard(page);
  const aapl = chart(page, 'AAPL');
  await expect(aapl).toHaveAttribute('data-state', 'ready');
  await page.getByRole('region', { name: 'Chart AAPL' }).getByRole('button', { name: 'Add alert' }).click();
  await alerts(page).getByRole('button', { name: 'Set alert' }).click();
  await expect(aapl).toHaveAttribute('data-alert-lines', '1');
  const level = alerts(page).getByRole('spinbutton', { name: 'Level of AAPL price above' });
  const before = Number(await level.inputValue());

  await expect(aapl).toHaveAttribute('data-alert-y', /^\d+$/);
  const lineY = Number(await aapl.getAttribute('data-alert-y'));
  const canvas = aapl.locator('.chart-canvas');
  const box = await canvas.boundingBox();
  if (!box) throw new Error('the chart canvas has no box');
  const x = box.x + box.width / 3;
  await page.mouse.move(x, box.y + lineY);
  await page.mouse.down();
  await page.mouse.move(x, box.y + lineY - 60, { steps: 6 });
  await page.mouse.up();

  // Up the screen is up in price; the dragged alert is armed again.
  await expect.poll(async () => Number(await level.inputValue())).toBeGreaterThan(before);
  const dragged = await level.inputValue();
  await expect(alerts(page).getByRole('listitem')).toContainText('armed');
  await page.reload();
  await expect(level).toHaveValue(dragged);
  await expect(aapl).toHaveAttribute('data-alert-lines', '1');
});

test.describe('what a firing alert says besides its toast', () => {
  test.describe.configure({ timeout: 90_000 });

  test.beforeEach(async ({ page }) => {
    // Counts the tones started and the notifications shown, letting both through.
    await page.addInitScript(() => {
      const heard = { sounds: 0, notifications: [] as string[] };
      Object.assign(window, { heard });
      const start = OscillatorNode.prototype.start;
      OscillatorNode.prototype.start = function (this: OscillatorNode, when?: number) {
        heard.sounds += 1;
        start.call(this, when);
      };
      const Shown = window.Notification;
      window.Notification = new Proxy(Shown, {
        construct(target, args: [string, NotificationOptions?]) {
          heard.notifications.push(args[0]);
          return Reflect.construct(target, args) as Notification;
        },
      });
    });
  });

  const heard = (page: Page) =>
    page.evaluate(() => (window as unknown as { heard: { sounds: number; notifications: string[] } }).heard);

  test('a sound plays only when Sound is on', async ({ page }) => {
    await openDashboard(page);
    await setCrossingPair(page);
    await expect(firedItem(page)).toBeVisible({ timeout: 30_000 });
    await expect(
      page
        .getByRole('alert')
        .filter({ hasText: /AAPL price/ })
        .first(),
    ).toBeVisible();
    expect((await heard(page)).sounds).toBe(0);
    // Without the permission, no notification either.
    expect((await heard(page)).notifications).toEqual([]);

    await removeAlerts(page);
    await alerts(page).getByRole('checkbox', { name: 'Sound' }).check();
    await setCrossingPair(page);
    await expect(firedItem(page)).toBeVisible({ timeout: 30_000 });
    await expect.poll(async () => (await heard(page)).sounds).toBeGreaterThan(0);

    await page.reload();
    await expect(alerts(page).getByRole('checkbox', { name: 'Sound' })).toBeChecked();
  });

  test('a browser notification names the symbol when notifications are allowed', async ({
    page,
    context,
  }) => {
    await context.grantPermissions(['notifications']);
    await openDashboard(page);
    const ask = alerts(page).getByRole('button', { name: /^Browser notifications/ });
    await ask.click();
    await expect(ask).toHaveText('Browser notifications: granted');
    await setCrossingPair(page);
    await expect(firedItem(page)).toBeVisible({ timeout: 30_000 });
    await expect
      .poll(async () => (await heard(page)).notifications)
      .toContainEqual(expect.stringMatching(/^AAPL price (above|below) \d/));
  });
});
