import { expect, test } from '@playwright/test';
import { chart, openDashboard, row, watchlist } from './board';

test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

test('the board fits the width, and tapping a row brings its chart into view', async ({ page }) => {
  await openDashboard(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);

  await row(page, 'ETH-USD').tap();
  const eth = chart(page, 'ETH-USD');
  await expect(eth).toHaveAttribute('data-state', 'ready');
  await expect(eth).toBeInViewport({ ratio: 0.5 });
});

test('the chart is one tap away, and rows and controls are at least 44 px tall', async ({ page }) => {
  await openDashboard(page);
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Chart' }).tap();
  await expect(chart(page, 'AAPL')).toBeInViewport({ ratio: 0.5 });

  const heights = await page.evaluate(() =>
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
  expect(heights).toEqual([]);
  await expect(watchlist(page)).toBeVisible();
});
