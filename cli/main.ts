import {
  barsToCsv,
  connect,
  fetchHistory,
  fetchInstruments,
  fetchQuotes,
  TickerboardError,
  type LiveQuote,
  type QuoteSubscription,
  type TickerboardClient,
} from '@tickerboard/client';
import { parseInvocation, USAGE, type Invocation } from './args';
import { EXIT, exitCodeOf, UsageError } from './exit-codes';
import { COLOURS, describeState, NO_COLOURS, renderTable, type Row } from './table';

const write = (text: string) => process.stdout.write(text);

/** The command line: runs one command and resolves with its exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  // A reader that stops early (`| head`) closes the pipe: that is the end of the output, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT.ok);
    throw error;
  });
  try {
    const invocation = parseInvocation(argv, process.env);
    if (invocation === 'help') {
      write(USAGE);
      return EXIT.ok;
    }
    return await run(invocation);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`tickerboard: ${error.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    if (error instanceof TickerboardError) {
      const message =
        error.code === 'UNKNOWN_SYMBOL' && error.symbols.length > 0
          ? `unknown symbol${error.symbols.length > 1 ? 's' : ''}: ${error.symbols.join(', ')}`
          : error.message;
      process.stderr.write(`tickerboard: ${message}\n`);
      return exitCodeOf(error.code);
    }
    throw error;
  }
}

function run(invocation: Invocation): Promise<number> {
  switch (invocation.command) {
    case 'quotes':
      return quotes(invocation);
    case 'candles':
      return candles(invocation);
    case 'stream':
      return stream(invocation);
    case 'watch':
      return watch(invocation);
  }
}

const httpOf = ({ url, token }: Invocation) => ({ base: url, token });

async function quotes(invocation: Invocation): Promise<number> {
  const body = await fetchQuotes(invocation.symbols, httpOf(invocation));
  if (invocation.json) {
    write(`${JSON.stringify(body, null, 2)}\n`);
    return EXIT.ok;
  }
  for (const quote of body.quotes) {
    const percent = `${quote.changePercent > 0 ? '+' : ''}${quote.changePercent.toFixed(2)}%`;
    write(`${quote.symbol.padEnd(10)} ${String(quote.last).padStart(14)} ${percent.padStart(9)}\n`);
  }
  return EXIT.ok;
}

async function candles(invocation: Invocation): Promise<number> {
  const symbol = invocation.symbols[0] ?? '';
  const { interval, from, to } = invocation;
  // Without a start, the newest 500; with one, everything from it.
  const limit = invocation.limit ?? (from === undefined ? 500 : undefined);
  const bars = await fetchHistory(symbol, interval, { from, to, limit }, httpOf(invocation));
  if (invocation.format === 'csv') write(barsToCsv(bars));
  else if (invocation.format === 'json') write(`${JSON.stringify({ symbol, interval, bars }, null, 2)}\n`);
  else for (const bar of bars) write(`${JSON.stringify({ symbol, interval, ...bar })}\n`);
  return EXIT.ok;
}

interface Live {
  client: TickerboardClient;
  subscription: QuoteSubscription;
  /** Rejects when the connection or the subscription ends in failure (a refused token, an unknown symbol). */
  failed: Promise<never>;
}

/** Checks the server answers, then connects and subscribes to the symbols' quotes. */
async function openLive(invocation: Invocation): Promise<Live> {
  await fetchInstruments(httpOf(invocation));
  const client = connect(invocation.url, { token: invocation.token, transports: ['websocket'] });
  const subscription = client.quotes(invocation.symbols, { throttleMs: 250 });
  const failed = new Promise<never>((_resolve, reject) => {
    subscription.on('error', reject);
    client.on('state', ({ state }) => {
      if (state === 'outdated' || state === 'refused') client.ready().catch(reject);
    });
  });
  failed.catch(() => {});
  return { client, subscription, failed };
}

/** The fields of an NDJSON line, in their order: decimals, without the instrument and the ticks. */
const LINE_FIELDS = [
  'symbol',
  'seq',
  'stale',
  'last',
  'bid',
  'ask',
  'open',
  'high',
  'low',
  'prevClose',
  'volume',
  'change',
  'changePercent',
  'time',
] as const satisfies readonly (keyof LiveQuote)[];

/** The quote as one NDJSON line. */
function quoteLine(quote: LiveQuote): string {
  return JSON.stringify(Object.fromEntries(LINE_FIELDS.map((field) => [field, quote[field]])));
}

async function stream(invocation: Invocation): Promise<number> {
  const { client, subscription, failed } = await openLive(invocation);
  const stop = () => subscription.unsubscribe();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const lines = (async () => {
      for await (const { quotes: changed } of subscription) {
        for (const quote of changed) {
          if (invocation.ndjson) write(`${quoteLine(quote)}\n`);
          else
            write(
              `${new Date(quote.time).toISOString()} ${quote.symbol} ${quote.last} ${quote.changePercent}%\n`,
            );
        }
      }
    })();
    await Promise.race([lines, failed]);
    return EXIT.ok;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    client.close();
  }
}

async function watch(invocation: Invocation): Promise<number> {
  const { client, subscription, failed } = await openLive(invocation);
  const out = process.stdout;
  const colours = out.isTTY && !process.env.NO_COLOR ? COLOURS : NO_COLOURS;
  const rows = new Map<string, Row>(
    invocation.symbols.map((symbol) => [symbol, { symbol, quote: undefined, direction: undefined }]),
  );
  let drawn = 0;

  const draw = () => {
    const lines = renderTable([...rows.values()], describeState(subscription.state, client.state), colours);
    // Back to the table's first line, then each line over the old one.
    const up = drawn > 0 ? `\x1b[${drawn}F` : '';
    write(`${up}${lines.map((line) => `${line}\x1b[K`).join('\n')}\n`);
    drawn = lines.length;
  };
  subscription.on('update', ({ quotes: changed }) => {
    for (const quote of changed) {
      const row = rows.get(quote.symbol);
      if (!row) continue;
      const before = row.quote?.last;
      if (before !== undefined && quote.last !== before) row.direction = quote.last > before ? 'up' : 'down';
      row.quote = quote;
    }
    draw();
  });
  subscription.on('state', draw);
  client.on('state', draw);

  const quit = new Promise<void>((resolve) => {
    const onKey = (data: Buffer) => {
      const key = data.toString('utf8');
      if (key === 'q' || key === 'Q' || key === '\x03') resolve();
    };
    process.stdin.on('data', onKey);
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  if (process.stdin.isTTY) process.stdin.setRawMode(true);
  process.stdin.resume();
  write('\x1b[?25l');
  draw();
  try {
    await Promise.race([quit, failed]);
    return EXIT.ok;
  } finally {
    write('\x1b[?25h');
    if (process.stdin.isTTY) process.stdin.setRawMode(false);
    process.stdin.pause();
    subscription.unsubscribe();
    client.close();
  }
}
