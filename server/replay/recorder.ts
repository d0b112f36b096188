import { closeSync, openSync, writeSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { Clock } from '../clock';
import type { EventSink, PriceSource, SourceEvent } from '../source/price-source';
import type { RecordedLine } from './recording';

export interface RecorderOptions {
  /** The first file; later ones take a counter before the extension (`run.1.ndjson`, `run.2.ndjson`, …). */
  path: string;
  /** A file that reaches this size is closed and the next one begun. */
  maxBytes: number;
  clock: Clock;
}

/**
 * Appends every source event, as the market receives it, to newline-delimited JSON: one `RecordedLine` per line,
 * written whole with one `write` so a reader of the growing file sees whole lines (and at most one unfinished
 * last line, which it skips). A file is rotated when it reaches `maxBytes` or when the recording clock enters a
 * new UTC day.
 */
export class Recorder {
  private readonly options: RecorderOptions;
  private fd: number | undefined;
  private bytes = 0;
  private day = Number.NaN;
  private index = 0;
  /** The files written so far, in order. */
  readonly files: string[] = [];

  constructor(options: RecorderOptions) {
    this.options = options;
  }

  write(line: RecordedLine): void {
    const day = Math.floor(line.at / 86_400_000);
    const text = `${JSON.stringify(line)}\n`;
    if (this.fd === undefined || this.bytes >= this.options.maxBytes || day !== this.day) this.rotate();
    this.day = day;
    this.bytes += writeSync(this.fd as number, text);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private rotate(): void {
    this.close();
    const { path } = this.options;
    const extension = extname(path);
    const file =
      this.index === 0 ? path : join(dirname(path), `${basename(path, extension)}.${this.index}${extension}`);
    this.index++;
    // 'a': a restart with the same RECORD appends rather than losing what was recorded.
    this.fd = openSync(file, 'a');
    this.bytes = 0;
    this.files.push(file);
  }

  /** `source`, with every event it sends (history and live) recorded on its way to the market. */
  wrap(source: PriceSource): PriceSource {
    const record = (phase: RecordedLine['phase'], sink: EventSink): EventSink => {
      return (event: SourceEvent) => {
        this.write({ at: this.options.clock.now(), source: source.name, phase, event });
        sink(event);
      };
    };
    return {
      name: source.name,
      get instruments() {
        return source.instruments;
      },
      backfill: (sink, now) => {
        // The instruments known before start, as events: a replay learns them from the recording alone.
        for (const instrument of source.instruments) {
          this.write({
            at: now,
            source: source.name,
            phase: 'backfill',
            event: { type: 'instrument', instrument, source: source.name, status: 'live' },
          });
        }
        source.backfill(record('backfill', sink), now);
      },
      start: (sink) => source.start(record('live', sink)),
      health: () => source.health(),
    };
  }
}
