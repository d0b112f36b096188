import type { Page } from '@playwright/test';

/** A point on the page, in CSS pixels from the viewport's top-left corner. */
export interface Point {
  x: number;
  y: number;
}

/**
 * Drags one finger from `from` to `to` in `steps` moves, through Chromium's input pipeline (CDP
 * `Input.dispatchTouchEvent`), so the page sees pointer and touch events and the browser may scroll as it
 * would for a real finger. Playwright has taps but no touch drag. The context needs `hasTouch`.
 */
export async function touchDrag(page: Page, from: Point, to: Point, steps = 8): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [from] });
    for (let step = 1; step <= steps; step++) {
      const x = from.x + ((to.x - from.x) * step) / steps;
      const y = from.y + ((to.y - from.y) * step) / steps;
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x, y }] });
    }
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  } finally {
    await cdp.detach();
  }
}
