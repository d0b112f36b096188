import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { RESORT_MS } from '../../lib/board-columns';
import { FakeBinance } from '../support/fake-binance';
import { chart, connection, openDashboard, watchlist } from './board';
import { startServerProcess, type ServerProcess } from './server-process';

/**
 * What the page does on its own timers, with the page's clock paused (Playwright's `page.clock`) and every trade
 * written by the test to a fake Binance that the production server relays: the quotes arrive over the real socket
 * in real time, and nothing in the page that waits on a timer happens until the test moves the clock on.
 */

/** How long the chart says "revised bar" after a late trade changed a bar behind the newest (chart-view.ts). */
const REVISED_HINT_MS = 5000;

const PAIRS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'BNBUSDT'] as const;
type Pair = (typeof PAIRS)[number];
const relayed = (pair: Pair) => `BINANCE:${pair}`;

const fake = new FakeBinance(
  Object.fromEntries(
    PAIRS.map((pair) => [
      pair,
      { tickStep: '0.01000000', lotStep: '0.00001000', base: pair.replace('USDT', ''), quote: 'USDT' },
    ]),
  ),
);
let server: ServerProcess | undefined;

/** Binance numbers each symbol's trades on its own. */
const lastTradeId = new Map<Pair, number>();

/** Puts a trade of `size` at `price` (both in decimals) on the fake venue's stream, at `time` (now by default). */
function trade(pair: Pair, price: number, size = 1, time = Date.now()): void {
  const tradeId = (lastTradeId.get(pair) ?? 0) + 1;
  lastTradeId.set(pair, tradeId);
  fake.trade(pair, { price: Math.round(price * 100), size: Math.round(size * 100_000), time, tradeId });
}

test.beforeAll(async () => {
  await fake.start();
  const started = await startServerProcess('dist/main.js', {
    FEED: 'binance',
    BINANCE_SYMBOLS: PAIRS.join(','),
    BINANCE_WS_URL: fake.wsUrl,
    BINANCE_REST_URL: fake.httpUrl,
    // The symbols stay quiet for seconds between the test's trades; that is not what is tested here.
    STALE_MS: '60000',
  });
  server = started;
  // The relay replaces its first bars with the venue's once they settle: a trade before that could be replaced.
  await Promise.all(
    PAIRS.map((pair) =>
      started.logged(
        (entry) => entry.msg === 'bars repaired from the venue' && entry.symbol === relayed(pair),
      ),
    ),
  );
});

test.afterAll(async () => {
  await server?.stop();
  await fake.close();
});

/** Opens `pairs` as the board (and the first of them on the chart), with the page's clock installed. */
async function open(page: Page, pairs: readonly Pair[]): Promise<void> {
  const origin = server?.url ?? '';
  await page.clock.install();
  await openDashboard(page, `${origin}/?symbols=${pairs.map(relayed).join(',')}`, pairs.map(relayed));
}

/**
 * From now on, no timer in the page fires until the test moves the clock on. (The clock pauses a little ahead of
 * the page's time, which must not have passed it by the time the call arrives.)
 */
async function pauseClock(page: Page): Promise<void> {
  await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 500);
}

/** The board's rows top to bottom, each with the last price it shows, read in one go. */
const board = (page: Page) =>
  watchlist(page)
    .locator('tbody tr')
    .evaluateAll((rows) =>
      rows.map((row) => {
        const last = row.querySelector('td[data-column="last"]')?.textContent ?? '';
        return `${row.getAttribute('aria-label')} ${/[\d,]+\.\d+/.exec(last)?.[0].replace(/,/g, '') ?? '—'}`;
      }),
    );

test('a sorted board keeps its rows in place while prices cross, and re-sorts once the second is up', async ({
  page,
}) => {
  trade('BTCUSDT', 100);
  trade('ETHUSDT', 200);
  trade('SOLUSDT', 300);
  await open(page, ['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);
  await pauseClock(page);

  const last = watchlist(page).getByRole('columnheader', { name: /^Last/ });
  await last.getByRole('button').click();
  await expect(last).toHaveAttribute('aria-sort', 'descending');
  // Sorted at once on the click; the clock has not moved since, so its re-sort timer starts now.
  await expect
    .poll(() => board(page))
    .toEqual(['BINANCE:SOLUSDT 300.00', 'BINANCE:ETHUSDT 200.00', 'BINANCE:BTCUSDT 100.00']);

  // The prices cross: the rows show them where they are, not where they now sort.
  trade('BTCUSDT', 400);
  trade('SOLUSDT', 50);
  await expect
    .poll(() => board(page))
    .toEqual(['BINANCE:SOLUSDT 50.00', 'BINANCE:ETHUSDT 200.00', 'BINANCE:BTCUSDT 400.00']);

  // Just short of the second: still in place, through one more crossing. A re-sort in between would have
  // moved them to the order of their prices and kept them there, the clock being paused again.
  await page.clock.runFor(RESORT_MS - 1);
  trade('ETHUSDT', 500);
  await expect
    .poll(() => board(page))
    .toEqual(['BINANCE:SOLUSDT 50.00', 'BINANCE:ETHUSDT 500.00', 'BINANCE:BTCUSDT 400.00']);

  // The second is up: the rows take the order of the prices they show.
  await page.clock.runFor(1);
  await expect
    .poll(() => board(page))
    .toEqual(['BINANCE:ETHUSDT 500.00', 'BINANCE:BTCUSDT 400.00', 'BINANCE:SOLUSDT 50.00']);

  // And a second later again, not before.
  trade('SOLUSDT', 600);
  await expect
    .poll(() => board(page))
    .toEqual(['BINANCE:ETHUSDT 500.00', 'BINANCE:BTCUSDT 400.00', 'BINANCE:SOLUSDT 600.00']);
  await page.clock.runFor(RESORT_MS - 1);
  trade('BTCUSDT', 700);
  await expect
    .poll(() => board(page))
    .toEqual(['BINANCE:ETHUSDT 500.00', 'BINANCE:BTCUSDT 700.00', 'BINANCE:SOLUSDT 600.00']);
  await page.clock.runFor(1);
  await expect
    .poll(() => board(page))
    .toEqual(['BINANCE:BTCUSDT 700.00', 'BINANCE:SOLUSDT 600.00', 'BINANCE:ETHUSDT 500.00']);
  // The feed kept going on the paused clock all along.
  await expect(connection(page)).toHaveAttribute('data-status', 'live');
});

/** The bars of the chart as its CSV export has them, by bar time: `open,high,low,close,volume`. */
async function exportedBars(page: Page): Promise<Map<number, string>> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  const [, ...rows] = (await readFile(await download.path(), 'utf8')).trimEnd().split('\r\n');
  return new Map(
    rows.map((row) => {
      const [time, ...values] = row.split(',');
      return [Number(time), values.join(',')];
    }),
  );
}

test('a late trade that changes the bar behind the newest marks the chart "revised bar" at once and for five seconds', async ({
  page,
}) => {
  const pair = 'BNBUSDT';
  const opened = Date.now();
  trade(pair, 90, 1, opened);
  await open(page, [pair]);
  const bnb = chart(page, relayed(pair));
  const quality = page.getByRole('region', { name: `Chart ${relayed(pair)}` }).getByTestId('chart-quality');
  await page
    .getByRole('group', { name: 'Interval' })
    .getByRole('button', { name: '1s', exact: true })
    .click();
  await expect(bnb).toHaveAttribute('data-interval', '1s');
  await expect(bnb).toHaveAttribute('data-state', 'ready');
  await expect(quality).toHaveText('live');
  await pauseClock(page);

  // The second before this one, or, after a quick start, the one after the first trade's.
  const second = Math.max(Math.floor(Date.now() / 1000) - 1, Math.floor(opened / 1000) + 1);
  // A bar, then the next one: both new on the chart, nothing revised.
  trade(pair, 100, 1, second * 1000 + 100);
  trade(pair, 101, 1, second * 1000 + 1100);
  await expect(bnb).toHaveAttribute('data-last-time', String(second + 1));
  await expect(bnb).toHaveAttribute('data-last-price', '101');
  await expect(quality).toHaveText('live');
  const before = await exportedBars(page);
  expect(before.get(second)).toBe('100,100,100,100,1');
  expect(before.get(second + 1)).toBe('101,101,101,101,1');

  // A trade of the earlier second arrives now: it lands in that bar, the one behind the newest.
  trade(pair, 105, 2, second * 1000 + 600);
  await expect(quality).toHaveText('revised bar');
  await expect(bnb).toHaveAttribute('data-quality', 'revised bar');
  const after = await exportedBars(page);
  expect(after.get(second)).toBe('100,105,100,105,3');
  expect(after.get(second + 1)).toBe('101,101,101,101,1');
  await expect(bnb).toHaveAttribute('data-last-time', String(second + 1));

  // The hint holds for REVISED_HINT_MS of the page's clock, whatever comes meanwhile, then says live again
  // by itself: the stream is quiet by then.
  await page.clock.runFor(REVISED_HINT_MS - 1);
  trade(pair, 102, 1, second * 1000 + 1200);
  await expect(bnb).toHaveAttribute('data-last-price', '102');
  await expect(quality).toHaveText('revised bar');
  await page.clock.runFor(1);
  await expect(quality).toHaveText('live');
  await expect(bnb).toHaveAttribute('data-quality', 'live');
  trade(pair, 103, 1, second * 1000 + 1300);
  await expect(bnb).toHaveAttribute('data-last-price', '103');
  await expect(quality).toHaveText('live');
  await expect(connection(page)).toHaveAttribute('data-status', 'live');
});
