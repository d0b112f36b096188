import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { chart, openDashboard } from './board';

// axe reads the whole page while it streams; on a busy machine that takes a while.
test.describe.configure({ timeout: 90_000 });

/** Serious and critical axe violations, each with where it was found, for a readable failure. */
async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
}

/** The darkest channel of an `rgb()` colour. */
const brightness = (color: string) => Math.min(...(color.match(/\d+/g) ?? []).slice(0, 3).map(Number));

/** The colour of the AAPL chart's canvas in its top-left corner (its background), as `rgb(r, g, b)`. */
async function chartBackground(page: Page): Promise<string> {
  await expect(chart(page, 'AAPL')).toHaveAttribute('data-state', 'ready');
  return chart(page, 'AAPL')
    .locator('canvas')
    .first()
    .evaluate((canvas: HTMLCanvasElement) => {
      const [r, g, b] = canvas.getContext('2d')?.getImageData(2, 2, 1, 1).data ?? [];
      return `rgb(${r}, ${g}, ${b})`;
    });
}

async function settle(page: Page) {
  await expect(chart(page, 'AAPL')).toHaveAttribute('data-state', 'ready');
  await page.mouse.move(0, 0);
}

test('no serious or critical accessibility violation in the dark theme', async ({ page }) => {
  await openDashboard(page);
  await page.getByRole('combobox', { name: 'Theme' }).selectOption({ label: 'Dark' });
  await settle(page);
  expect(await seriousViolations(page)).toEqual([]);
});

test('no serious or critical accessibility violation in the light theme, which has a light background', async ({
  page,
}) => {
  await openDashboard(page);
  await page.getByRole('combobox', { name: 'Theme' }).selectOption({ label: 'Light' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const [r, g, b] = (background.match(/\d+/g) ?? []).map(Number);
  expect(Math.min(r ?? 0, g ?? 0, b ?? 0)).toBeGreaterThan(200);
  await expect.poll(async () => brightness(await chartBackground(page))).toBeGreaterThan(200);
  await settle(page);
  expect(await seriousViolations(page)).toEqual([]);
});

test('the system theme follows the browser, and the choice persists', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await openDashboard(page);
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const light = await background();
  expect(brightness(await chartBackground(page))).toBeGreaterThan(200);
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect.poll(background).not.toBe(light);
  // The chart follows too: it is drawn again in the dark colours.
  await expect.poll(async () => brightness(await chartBackground(page))).toBeLessThan(60);
  await page.getByRole('combobox', { name: 'Theme' }).selectOption({ label: 'Light' });
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await expect.poll(background).toBe(light);
});

test('a saved light theme is light from the first frame, on a browser that prefers dark', async ({
  page,
}) => {
  await openDashboard(page);
  await page.getByRole('combobox', { name: 'Theme' }).selectOption({ label: 'Light' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  // Every frame's background from the first one on, recorded before the page's own scripts run.
  await page.addInitScript(() => {
    const frames: string[] = [];
    Object.assign(window, { frames_: frames });
    const record = () => {
      if (document.body) frames.push(getComputedStyle(document.body).backgroundColor);
      if (frames.length < 120) requestAnimationFrame(record);
    };
    requestAnimationFrame(record);
  });
  await page.reload();
  await expect(chart(page, 'AAPL')).toHaveAttribute('data-state', 'ready');
  const frames = await page.evaluate(() => (window as unknown as { frames_: string[] }).frames_);
  expect(frames.length).toBeGreaterThan(0);
  const dark = frames.filter((background) => {
    const [r, g, b] = (background.match(/\d+/g) ?? []).map(Number);
    return Math.min(r ?? 0, g ?? 0, b ?? 0) <= 200;
  });
  expect(dark).toEqual([]);
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('no serious or critical accessibility violation', async ({ page }) => {
    await openDashboard(page);
    await settle(page);
    expect(await seriousViolations(page)).toEqual([]);
  });
});

const TABLETS: readonly { width: number; height: number }[] = [
  { width: 820, height: 1180 },
  { width: 1180, height: 820 },
];
for (const viewport of TABLETS) {
  test.describe(`on a ${viewport.width}×${viewport.height} tablet`, () => {
    test.use({ viewport, hasTouch: true, isMobile: true });

    test('no serious or critical accessibility violation', async ({ page }) => {
      await openDashboard(page);
      await settle(page);
      expect(await seriousViolations(page)).toEqual([]);
    });
  });
}
