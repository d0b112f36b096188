import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { SourceEvent } from '../source/price-source';

/** One line of a recording. */
export interface RecordedLine {
  /** The recording server's clock when the market received the event, unix ms. */
  at: number;
  /** The source that sent it (`sim`, `binance`, …). */
  source: string;
  /** `backfill`: history sent before the server listened; `live`: after. */
  phase: 'backfill' | 'live';
  event: SourceEvent;
}

/**
 * The shape of a line, checked at the boundary: the envelope and the event's kind. The events themselves are
 * what this server wrote; a hand-edited file that breaks them is the operator's to fix.
 */
const lineSchema = z.object({
  at: z.number().finite(),
  source: z.string().min(1),
  phase: z.enum(['backfill', 'live']),
  event: z.looseObject({ type: z.enum(['trade', 'quote', 'bars', 'instrument', 'status']) }),
});

/** A recording's lines in order, with the span of its clock. */
export interface Recording {
  lines: readonly RecordedLine[];
  /** The clock of its first and last line. */
  start: number;
  end: number;
}

/**
 * Reads a recording: one NDJSON file, or every `.ndjson` file of a folder in the order of their first lines.
 * An unfinished last line (a file still being written) is skipped; any other bad line stops with its place.
 */
export function readRecording(path: string): Recording {
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((name) => name.endsWith('.ndjson'))
        .map((name) => join(path, name))
    : [path];
  const parts = files.map(readFile).filter((lines) => lines.length > 0);
  parts.sort((a, b) => (a[0] as RecordedLine).at - (b[0] as RecordedLine).at);
  const lines = parts.flat();
  const first = lines[0];
  const last = lines.at(-1);
  if (!first || !last) throw new Error(`FEED=replay:${path}: the recording holds no events`);
  return { lines, start: first.at, end: last.at };
}

function readFile(file: string): RecordedLine[] {
  const text = readFileSync(file, 'utf8');
  const rows = text.split('\n');
  // Whatever follows the last newline is a line still being written.
  rows.pop();
  return rows.map((row, i) => {
    let value: unknown;
    try {
      value = JSON.parse(row);
    } catch (error) {
      throw new Error(`${file}:${i + 1}: not JSON (${(error as Error).message})`, { cause: error });
    }
    const parsed = lineSchema.safeParse(value);
    if (!parsed.success)
      throw new Error(`${file}:${i + 1}: not a recorded event (${parsed.error.issues[0]?.message})`);
    return parsed.data as unknown as RecordedLine;
  });
}
