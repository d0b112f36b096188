import { defineConfig } from '@playwright/test';

// Browsers are not downloaded: the system's Chromium runs the tests (Debian's by default).
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const port = process.env.E2E_PORT ?? '3210';
const baseURL = `http://127.0.0.1:${port}`;

/**
 * End-to-end tests against the production build (`npm run build` first): a real server, a real browser, no
 * mocks. Each test gets a fresh browser context, so a fresh localStorage and the default watchlist.
 */
export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results',
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 30_000,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  use: {
    baseURL,
    viewport: { width: 1440, height: 900 },
    colorScheme: 'dark',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    command: 'node dist/main.js',
    url: `${baseURL}/healthz`,
    // The market starts in a regular session (a Tuesday, 10:30 New York), whatever the hour the tests run at.
    env: { PORT: port, HOST: '127.0.0.1', LOG_LEVEL: 'warn', SIM_START: '2026-11-24T15:30:00Z' },
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
