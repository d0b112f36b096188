import { parseArgs } from 'node:util';
import { INTERVALS, type Interval } from '@tickerboard/client';
import { UsageError } from './exit-codes';

export const COMMANDS = ['watch', 'quotes', 'candles', 'stream'] as const;
export type Command = (typeof COMMANDS)[number];
export const FORMATS = ['csv', 'json', 'ndjson'] as const;
export type Format = (typeof FORMATS)[number];

export interface Invocation {
  command: Command;
  symbols: string[];
  url: string;
  token: string | undefined;
  json: boolean;
  ndjson: boolean;
  interval: Interval;
  limit: number | undefined;
  from: number | undefined;
  to: number | undefined;
  format: Format;
}

export const USAGE = `Usage: tickerboard <command> [options]

Commands:
  watch SYMBOL...            a live table of quotes, updated in place (q or Ctrl-C quits)
  quotes SYMBOL... [--json]  the current quotes, once
  candles SYMBOL --interval 1m [--limit N] [--from T] [--to T] [--format csv|json|ndjson]
                             bars, paged through history as needed (T: unix seconds or an ISO date)
  stream SYMBOL... [--ndjson] every quote update as a line

Options:
  --url URL      the server (default: $TICKERBOARD_URL or http://localhost:3000)
  --token TOKEN  the access token, when the server asks for one (default: $TICKERBOARD_TOKEN)
  -h, --help     this text
`;

/** A time given as unix seconds or as an ISO 8601 date, in unix seconds. */
function parseTime(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new UsageError(`--${name} must be unix seconds or an ISO date, not ${text}`);
  return Math.floor(ms / 1000);
}

/** The command line as an invocation; throws a UsageError saying what is wrong. */
export function parseInvocation(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): Invocation | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        json: { type: 'boolean', default: false },
        ndjson: { type: 'boolean', default: false },
        interval: { type: 'string', default: '1m' },
        limit: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        format: { type: 'string', default: 'csv' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === 'help') return 'help';
  const [command, ...symbols] = positionals;
  if (command === undefined) throw new UsageError('no command given');
  if (!(COMMANDS as readonly string[]).includes(command)) throw new UsageError(`unknown command ${command}`);
  if (symbols.length === 0) throw new UsageError(`${command} needs at least one symbol`);
  if (command === 'candles' && symbols.length > 1) throw new UsageError('candles takes one symbol');
  if (!(INTERVALS as readonly string[]).includes(values.interval)) {
    throw new UsageError(`--interval must be one of ${INTERVALS.join(', ')}`);
  }
  if (!(FORMATS as readonly string[]).includes(values.format)) {
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  }
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new UsageError('--limit must be a whole number of at least 1');
  }
  return {
    command: command as Command,
    symbols,
    url: values.url ?? env.TICKERBOARD_URL ?? 'http://localhost:3000',
    token: values.token ?? env.TICKERBOARD_TOKEN,
    json: values.json,
    ndjson: values.ndjson,
    interval: values.interval as Interval,
    limit,
    from: parseTime('from', values.from),
    to: parseTime('to', values.to),
    format: values.format as Format,
  };
}
