import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERVALS } from '../../lib/intervals';
import { closeTestFeeds, startTestFeed, type TestFeed } from '../support/test-feed';
import { sleep, waitFor } from '../support/wait';

/** The `tickerboard` command, run as a user would, against a real server whose market is frozen. */
const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/tickerboard.mjs', import.meta.url));
let feed: TestFeed;
let moving: TestFeed;

beforeAll(async () => {
  [feed, moving] = await Promise.all([startTestFeed(), startTestFeed()]);
  feed.stopSource();
  await sleep(300);
});
afterAll(closeTestFeeds);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], url = feed.url, command = [process.execPath, bin]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const [file = '', ...prefix] = command;
    const child = spawn(file, [...prefix, ...args], {
      cwd: root,
      env: { ...process.env, TICKERBOARD_URL: url, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function get(path: string): Promise<string> {
  const response = await fetch(`${feed.url}${path}`);
  expect(response.status, path).toBe(200);
  return response.text();
}

describe('tickerboard quotes', () => {
  it('--json prints what GET /api/quotes answers', async () => {
    const { code, stdout, stderr } = await run(['quotes', 'AAPL', 'BTC-USD', 'EURUSD', '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(JSON.parse(await get('/api/quotes?symbols=AAPL,BTC-USD,EURUSD')));
  });

  it('exits 4 naming an unknown symbol', async () => {
    const { code, stdout, stderr } = await run(['quotes', 'AAPL', 'NOPE']);
    expect(code).toBe(4);
    expect(stdout).toBe('');
    expect(stderr).toBe('tickerboard: unknown symbol: NOPE\n');
  });
});

describe('tickerboard candles', () => {
  it('--format csv of 1,000 1m bars, paged through history, equals GET /api/candles row for row', async () => {
    const { code, stdout } = await run([
      'candles',
      'AAPL',
      '--interval',
      '1m',
      '--limit',
      '1000',
      '--format',
      'csv',
    ]);
    expect(code).toBe(0);
    const rows = stdout.split('\r\n');
    const served = (await get('/api/candles?symbol=AAPL&interval=1m&limit=1000&format=csv')).split('\r\n');
    expect(rows).toHaveLength(1002); // the header, 1,000 bars, and the empty string after the last line end
    expect(rows).toEqual(served);
  });

  it('--from and --to select a range, as JSON or NDJSON', async () => {
    const newest = JSON.parse(await get('/api/candles?symbol=ETH-USD&interval=5m&limit=1')) as {
      bars: { time: number }[];
    };
    const to = (newest.bars[0]?.time ?? 0) - 300 * 10;
    const from = to - 300 * 700;
    const json = await run([
      'candles',
      'ETH-USD',
      '--interval',
      '5m',
      '--from',
      String(from),
      '--to',
      String(to),
      '--format',
      'json',
    ]);
    expect(json.code).toBe(0);
    const { bars } = JSON.parse(json.stdout) as { bars: { time: number }[] };
    expect(bars).toHaveLength(700);
    expect(bars[0]?.time).toBe(from);
    expect(bars.at(-1)?.time).toBe(to - 300);
    const iso = new Date(from * 1000).toISOString();
    const ndjson = await run([
      'candles',
      'ETH-USD',
      '--interval',
      '5m',
      '--from',
      iso,
      '--to',
      String(to),
      '--format',
      'ndjson',
    ]);
    expect(
      ndjson.stdout
        .trimEnd()
        .split('\n')
        .map((line) => (JSON.parse(line) as { time: number }).time),
    ).toEqual(bars.map((bar) => bar.time));
  });
});

describe('tickerboard stream', () => {
  it('--ndjson prints every update as a line of decimals', async () => {
    const child = spawn(process.execPath, [bin, 'stream', 'BTC-USD', 'ETH-USD', '--ndjson'], {
      cwd: root,
      env: { ...process.env, TICKERBOARD_URL: moving.url },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await waitFor(() => stdout.split('\n').length > 6, 20_000, 'six lines');
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    const lines = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { symbol: string; seq: number; last: number });
    for (const symbol of ['BTC-USD', 'ETH-USD']) {
      const seqs = lines.filter((line) => line.symbol === symbol).map((line) => line.seq);
      expect(seqs.length, symbol).toBeGreaterThan(0);
      expect(
        seqs.every((seq, i) => i === 0 || seq === (seqs[i - 1] ?? 0) + 1),
        symbol,
      ).toBe(true);
    }
    expect(lines.every((line) => typeof line.last === 'number')).toBe(true);
    // The quote's decimals and its seq and staleness, in this order; neither the instrument nor the ticks.
    expect(new Set(lines.map((line) => Object.keys(line).join(' ')))).toEqual(
      new Set(['symbol seq stale last bid ask open high low prevClose volume change changePercent time']),
    );
  });

  it('exits 4 naming an unknown symbol', async () => {
    const { code, stderr } = await run(['stream', 'BTC-USD', 'NOPE', '--ndjson']);
    expect(code).toBe(4);
    expect(stderr).toBe('tickerboard: unknown symbol: NOPE\n');
  });
});

describe('tickerboard watch', () => {
  /** Runs `watch` in a pseudo-terminal (util-linux `script`); what is written to it reaches the command as keys. */
  function watchInTerminal(symbols: string[]) {
    const command = [process.execPath, bin, 'watch', ...symbols]
      .map((part) => JSON.stringify(part))
      .join(' ');
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: root,
      env: { ...process.env, TICKERBOARD_URL: moving.url, NO_COLOR: '' },
    });
    const session = {
      screen: '',
      exited: new Promise<number | null>((resolve) => child.on('close', resolve)),
      child,
    };
    child.stdout.on('data', (chunk: Buffer) => (session.screen += chunk.toString()));
    return session;
  }

  it('renders a live table in a terminal and quits on q', async () => {
    const session = watchInTerminal(['AAPL', 'BTC-USD', 'EURUSD']);
    await waitFor(
      () => /BTC-USD +\S* +\d+\.\d{2}/.test(session.screen) && session.screen.includes('live'),
      20_000,
      'a live row',
    );
    expect(session.screen).toContain('SYMBOL');
    // Redrawn in place: the cursor goes back up over the table's five lines.
    await waitFor(() => session.screen.includes('\x1b[5F'), 10_000, 'a redraw');
    session.child.stdin.write('q');
    expect(await session.exited).toBe(0);
    expect(session.screen).toContain('\x1b[?25h');
  });

  it('quits on Ctrl-C too', async () => {
    const session = watchInTerminal(['ETH-USD']);
    await waitFor(() => /ETH-USD +\S* +\d+\.\d{2}/.test(session.screen), 20_000, 'a live row');
    session.child.stdin.write('\x03');
    expect(await session.exited).toBe(0);
    expect(session.screen).toContain('\x1b[?25h');
  });
});

describe('tickerboard errors', () => {
  it('exits 3 when the server cannot be reached', async () => {
    const { code, stderr } = await run(['quotes', 'AAPL'], 'http://127.0.0.1:9');
    expect(code).toBe(3);
    expect(stderr).toMatch(/^tickerboard: cannot reach http:\/\/127\.0\.0\.1:9/);
  });

  it('exits 5 when the server refuses the token', async () => {
    const guarded = await startTestFeed({ AUTH_SECRET: 'a command line test secret, 32+ characters' });
    const quotes = await run(['quotes', 'AAPL', '--token', 'forged'], guarded.url);
    expect(quotes.code).toBe(5);
    expect(quotes.stderr).toBe('tickerboard: unauthorized: invalid token\n');
    const stream = await run(['stream', 'AAPL'], guarded.url);
    expect(stream.code).toBe(5);
    expect(stream.stderr).toBe('tickerboard: unauthorized: a token is required\n');
  });

  it('exits 2 with the usage on a bad command line', async () => {
    const { code, stderr } = await run(['candles', 'AAPL', '--interval', '7m']);
    expect(code).toBe(2);
    expect(stderr).toContain(`--interval must be one of ${INTERVALS.join(', ')}`);
    expect(stderr).toContain('Usage: tickerboard');
  });

  it('runs as `npx tickerboard` from the checkout', async () => {
    const { code, stdout } = await run(['--help'], feed.url, ['npx', '--offline', 'tickerboard']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: tickerboard <command>');
  });
});
