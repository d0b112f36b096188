import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { FakeBinance } from '../support/fake-binance';
import { connection, row, symbolOptions, watchlist } from './board';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SYMBOL = 'BINANCE:BTCUSDT';

const fake = new FakeBinance({
  BTCUSDT: { tickStep: '0.01000000', lotStep: '0.00001000', base: 'BTC', quote: 'USDT' },
});
let server: ChildProcess | undefined;
let origin = '';
let ticker: ReturnType<typeof setInterval> | undefined;
let price = 9_612_345;

/** The production server relaying the fake Binance next to the simulator, on a free port; resolves with its origin. */
function startServer(): Promise<string> {
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      FEED: 'sim,binance',
      BINANCE_SYMBOLS: 'BTCUSDT',
      BINANCE_WS_URL: fake.wsUrl,
      BINANCE_REST_URL: fake.httpUrl,
      STALE_MS: '1000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  server = child;
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const match = /"url":"http:\/\/localhost:(\d+)"[^\n]*tickerboard listening/.exec(buffered);
      if (match) resolve(`http://127.0.0.1:${match[1]}`);
    });
  });
}

test.beforeAll(async () => {
  await fake.start();
  const now = Date.now();
  for (let time = now - 300_000; time < now - 1000; time += 5000) {
    price += 37;
    fake.trade('BTCUSDT', { price, size: 1200, time }, false);
  }
  origin = await startServer();
  ticker = setInterval(() => {
    price += Math.round(Math.sin(Date.now() / 700) * 40);
    fake.trade('BTCUSDT', { price, size: 1500 });
    fake.quote('BTCUSDT', price - 2, price + 3, 40, 50);
  }, 100);
});

test.afterAll(async () => {
  clearInterval(ticker);
  const exited = new Promise((resolve) => server?.once('exit', resolve));
  server?.kill('SIGTERM');
  await exited;
  await fake.close();
});

test('shows a relayed symbol with its source badge, greys its row and chart header while stale, and brings it back live', async ({
  page,
}) => {
  await page.goto(`${origin}/`);
  await expect(connection(page)).toHaveAttribute('data-status', 'live', { timeout: 15_000 });
  const search = page.getByRole('combobox', { name: 'Add symbol' });
  await search.pressSequentially('BTCUSDT');
  await expect(symbolOptions(page).getByRole('option', { name: /BINANCE:BTCUSDT/ })).toBeVisible({
    timeout: 10_000,
  });
  await search.press('ArrowDown');
  await search.press('Enter');

  const relayed = row(page, SYMBOL);
  await expect(relayed).toBeVisible();
  await expect(relayed.getByRole('cell').first()).toHaveText(/^9\d,\d{3}\.\d{2}/, {
    timeout: 10_000,
  });
  await expect(relayed.locator('.feed-source')).toHaveText('BINANCE');
  await expect(row(page, 'AAPL').locator('.feed-source')).toHaveText('SIM');
  await expect(relayed).not.toHaveAttribute('data-stale', 'true');

  await relayed.click();
  const header = page.locator('.chart-header');
  await expect(header.getByRole('heading', { name: SYMBOL })).toBeVisible();
  await expect(header.locator('.feed-source')).toHaveText('BINANCE');

  fake.silent = true;
  await expect(relayed).toHaveAttribute('data-stale', 'true', { timeout: 5_000 });
  await expect(header).toHaveAttribute('data-stale', 'true');
  await expect(relayed.locator('.feed-age')).toHaveText(/^stale [1-9]\d*s$/);
  await page.screenshot({ path: 'test-results/relay-stale.png' });
  const frozen = await relayed.getByRole('cell').first().innerText();
  await page.waitForTimeout(500);
  await expect(relayed.getByRole('cell').first()).toHaveText(frozen);
  // The simulated symbols carry on.
  await expect(row(page, 'AAPL')).not.toHaveAttribute('data-stale', 'true');

  fake.silent = false;
  await expect(relayed).not.toHaveAttribute('data-stale', 'true', { timeout: 5_000 });
  await expect(header).not.toHaveAttribute('data-stale', 'true');
  await expect(watchlist(page).locator('.feed-age')).toHaveCount(0);
});
