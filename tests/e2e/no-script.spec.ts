import { expect, test } from '@playwright/test';

test.use({ javaScriptEnabled: false });

test('without JavaScript the page says that live quotes need it', async ({ page }) => {
  await page.goto('/');
  const notice = page.getByRole('status').filter({ hasText: 'needs JavaScript' });
  await expect(notice).toBeVisible();
  await expect(notice).toHaveText(/live quotes and charts/);
});
