import { expect, test, type Locator, type Page } from '@playwright/test';
import { chart, lastCell, openDashboard, row } from './board';
import { touchDrag } from './touch';

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
const firedItem = (page: Page) => alerts(page).getByRole('listitem').filter({ hasText: /fired/ }).first();

async function setCrossingPair(page: Page) {
  await setAlert(page, 'above', 1);
  await setAlert(page, 'below', -1);
  await expect(alerts(page).getByRole('listitem')).toHaveCount(2);
}

/**
 * Sets a crossing pair and waits for one of it to fire. Each level is a cent from the price its form showed, so a
 * price that walks two cents while the pair is being set can leave both on one side of it, never to be crossed
 * while it trends away: then the pair is set again from the new price, a few times at most.
 */
async function fireCrossingPair(page: Page) {
  for (let attempt = 1; ; attempt++) {
    await setCrossingPair(page);
    try {
      await expect(firedItem(page)).toBeVisible({ timeout: 20_000 });
      return;
    } catch (error) {
      if (attempt === 3) throw error;
      await removeAlerts(page);
    }
  }
}

/** Removes every alert in the Alerts region. */
async function removeAlerts(page: Page) {
  const remove = alerts(page).getByRole('button', { name: /^Remove alert/ });
  while ((await remove.count()) > 0) await remove.first().click();
}

/**
 * Sets a price alert at AAPL's last price from its chart's "Add alert". Returns the alert's level box, the
 * level it starts at, and the chart canvas with its line's height on it (px from the canvas top).
 */
async function alertOnChart(page: Page) {
  const aapl = chart(page, 'AAPL');
  await expect(aapl).toHaveAttribute('data-state', 'ready');
  await page.getByRole('region', { name: 'Chart AAPL' }).getByRole('button', { name: 'Add alert' }).click();
  await alerts(page).getByRole('button', { name: 'Set alert' }).click();
  await expect(aapl).toHaveAttribute('data-alert-lines', '1');
  const level = alerts(page).getByRole('spinbutton', { name: 'Level of AAPL price above' });
  const before = Number(await level.inputValue());
  await expect(aapl).toHaveAttribute('data-alert-y', /^\d+$/);
  const canvas = aapl.locator('.chart-canvas');
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  if (!box) throw new Error('the chart canvas has no box');
  const lineY = Number(await aapl.getAttribute('data-alert-y'));
  return { level, before, box, lineY };
}

/**
 * After a drag up the screen that let go at `y` (px from the canvas top): the line is where it was let go (to a
 * few px: the level is rounded to a tick, and the live price scale may shift), the alert's level rose and is armed
 * again, and the level survives a reload.
 */
async function expectRaisedAndKept(page: Page, level: Locator, before: number, y: number) {
  const lineY = async () => Number(await chart(page, 'AAPL').getAttribute('data-alert-y'));
  await expect.poll(async () => Math.abs((await lineY()) - y)).toBeLessThan(10);
  // Up the screen is up in price; the dragged alert is armed again.
  await expect.poll(async () => Number(await level.inputValue())).toBeGreaterThan(before);
  const dragged = await level.inputValue();
  await expect(alerts(page).getByRole('listitem')).toContainText('armed');
  await page.reload();
  await expect(level).toHaveValue(dragged);
  await expect(chart(page, 'AAPL')).toHaveAttribute('data-alert-lines', '1');
}

test('dragging an alert line on the chart moves its level, and the new level survives a reload', async ({
  page,
}) => {
  await openDashboard(page);
  const { level, before, box, lineY } = await alertOnChart(page);
  const x = box.x + box.width / 3;
  await page.mouse.move(x, box.y + lineY);
  await page.mouse.down();
  await page.mouse.move(x, box.y + lineY - 60, { steps: 6 });
  await page.mouse.up();
  await expectRaisedAndKept(page, level, before, lineY - 60);
});

test.describe('on a touch screen (a tablet in portrait, 820×1180)', () => {
  test.use({ viewport: { width: 820, height: 1180 }, hasTouch: true, isMobile: true });

  test('a finger drags an alert line to a new level, without panning the chart or scrolling the page', async ({
    page,
  }) => {
    await openDashboard(page);
    // The page scrolled down to the Alerts region to set the alert: back at the top it has room to scroll
    // down, which a finger moving up asks for, and the chart is in full view.
    const { level, before, lineY } = await alertOnChart(page);
    await page.evaluate(() => window.scrollTo(0, 0));
    const aapl = chart(page, 'AAPL');
    const canvas = aapl.locator('.chart-canvas');
    await expect(canvas).toBeInViewport({ ratio: 1 });
    expect(await page.evaluate(() => document.documentElement.scrollHeight - innerHeight)).toBeGreaterThan(
      60,
    );
    await expect(aapl).toHaveAttribute('data-scrolled', 'false');
    const box = await canvas.boundingBox();
    if (!box) throw new Error('the chart canvas has no box');

    // Up and to the right: on the chart itself a finger moving right pans back in time, and on the page one
    // moving up scrolls it down; the line's drag takes the gesture from both.
    const from = { x: box.x + box.width / 3, y: box.y + lineY };
    await touchDrag(page, from, { x: from.x + 80, y: from.y - 60 });

    await expect.poll(async () => Number(await level.inputValue())).toBeGreaterThan(before);
    await expect(aapl).toHaveAttribute('data-scrolled', 'false');
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    await expectRaisedAndKept(page, level, before, lineY - 60);
  });
});

test.describe('what a firing alert says besides its toast', () => {
  test.describe.configure({ timeout: 150_000 });

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
    await fireCrossingPair(page);
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
    await fireCrossingPair(page);
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
    await fireCrossingPair(page);
    await expect
      .poll(async () => (await heard(page)).notifications)
      .toContainEqual(expect.stringMatching(/^AAPL price (above|below) \d/));
  });
});
