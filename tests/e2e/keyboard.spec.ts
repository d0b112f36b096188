import { expect, test, type JSHandle, type Page } from '@playwright/test';
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

/** Where a focused element is on the page, and the landmark or named region it is in. */
interface Stop {
  name: string;
  region: string;
  box: Box;
  regionBox: Box;
}

interface Box {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/**
 * Presses Tab from the top of the page until the focus leaves the page or comes round again, then notes where each
 * stop is, all in one look at the page: the live figures move the top bar's controls as they change width, and
 * two looks apart could see one control on either side of its neighbour.
 */
async function tabStops(page: Page): Promise<Stop[]> {
  await page.locator('body').click({ position: { x: 1, y: 1 } });
  const focused: JSHandle<Element>[] = [];
  for (let press = 0; press < 200; press++) {
    await page.keyboard.press('Tab');
    const element = await page.evaluateHandle(() => document.activeElement ?? document.body);
    if (await element.evaluate((at) => at === document.body)) break;
    if (focused[0] && (await element.evaluate((at, first) => at === first, focused[0]))) break;
    focused.push(element);
  }
  return page.evaluate(
    (elements) =>
      elements.map((element): Stop => {
        const region =
          element.closest('section[aria-label], aside[aria-label], nav[aria-label]') ??
          element.closest('header');
        // In page coordinates, since Tab scrolled the page on the way.
        const box = (of: Element): Box => {
          const rect = of.getBoundingClientRect();
          return {
            top: rect.top + scrollY,
            left: rect.left + scrollX,
            bottom: rect.bottom + scrollY,
            right: rect.right + scrollX,
          };
        };
        return {
          name: `${element.tagName.toLowerCase()} ${element.getAttribute('aria-label') ?? element.textContent?.trim().slice(0, 24)}`,
          region: region?.getAttribute('aria-label') ?? region?.className ?? 'page',
          box: box(element),
          regionBox: box(region ?? document.body),
        };
      }),
    focused,
  );
}

/** Whether `b` comes after `a` in reading order: on a later line, or on the same line and further right. */
const follows = (a: Box, b: Box, tolerance = 1) =>
  b.top >= a.bottom - tolerance || (b.top < a.bottom && b.bottom > a.top && b.left >= a.left - tolerance);

/** The pairs of consecutive Tab stops that go back against reading order, by region and within one. */
function outOfOrder(stops: Stop[]): string[] {
  const where = (stop: Stop) =>
    `${stop.name} (${stop.region}) at ${Math.round(stop.box.top)},${Math.round(stop.box.left)}`;
  const wrong: string[] = [];
  stops.slice(1).forEach((stop, at) => {
    const before = stops[at] as Stop;
    const inOrder =
      stop.region === before.region
        ? follows(before.box, stop.box)
        : stop.regionBox.top > before.regionBox.top + 1 ||
          (Math.abs(stop.regionBox.top - before.regionBox.top) <= 1 &&
            stop.regionBox.left > before.regionBox.left);
    if (!inOrder) wrong.push(`${where(stop)} after ${where(before)}`);
  });
  return wrong;
}

const regions = ['topbar', 'Quote board', 'Chart AAPL', 'Alerts'];
for (const { layout, size, touch, expected } of [
  { layout: 'a tablet in portrait', size: { width: 820, height: 1180 }, touch: true, expected: regions },
  {
    layout: 'a narrow window (tablet layout)',
    size: { width: 700, height: 1000 },
    touch: false,
    expected: regions,
  },
  { layout: 'a desktop', size: { width: 1440, height: 900 }, touch: false, expected: regions },
  // The phone's bar of links to the parts stays at the bottom of the screen, so it comes last.
  { layout: 'a phone', size: { width: 390, height: 844 }, touch: true, expected: [...regions, 'Sections'] },
])
  test.describe(`on ${layout} (${size.width}×${size.height})`, () => {
    test.use({ viewport: size, hasTouch: touch, isMobile: touch });

    test('Tab goes through the page in reading order: top to bottom, then left to right by region', async ({
      page,
    }) => {
      await openDashboard(page);
      const stops = await tabStops(page);
      // Each region once, the board before the chart and the chart before the alerts.
      expect(stops.map((stop) => stop.region).filter((region, at, all) => region !== all[at - 1])).toEqual(
        expected,
      );
      expect(outOfOrder(stops)).toEqual([]);
    });
  });
