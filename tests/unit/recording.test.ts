import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Lots, Ticks, UnixMillis } from '../../lib/nominal';
import { Recorder } from '../../server/replay/recorder';
import { readRecording } from '../../server/replay/recording';
import type { TradeEvent } from '../../server/source/price-source';
import { ManualClock } from '../support/manual-clock';

let folder = '';
afterEach(() => rmSync(folder, { recursive: true, force: true }));

const trade = (time: number): TradeEvent => ({
  type: 'trade',
  symbol: 'BTC-USD',
  time: time as UnixMillis,
  price: 100 as Ticks,
  size: 1 as Lots,
});

describe('recordings', () => {
  it('rotate by size and by UTC day, and read back whole and in order from their folder', () => {
    folder = mkdtempSync(join(tmpdir(), 'tickerboard-recording-'));
    const clock = new ManualClock(Date.UTC(2025, 2, 11, 23, 59, 0));
    const recorder = new Recorder({ path: join(folder, 'run.ndjson'), maxBytes: 1024, clock });
    const written: number[] = [];
    for (let i = 0; i < 40; i++) {
      clock.advance(3000);
      recorder.write({ at: clock.now(), source: 'sim', phase: 'live', event: trade(clock.now()) });
      written.push(clock.now());
    }
    recorder.close();
    expect(recorder.files.length).toBeGreaterThan(3);
    expect(readdirSync(folder).sort()).toEqual(
      recorder.files.map((file) => file.slice(folder.length + 1)).sort(),
    );
    const read = readRecording(folder);
    expect(read.lines.map((line) => line.at)).toEqual(written);
    expect(read.lines.map((line) => (line.event as TradeEvent).time)).toEqual(written);
    // Midnight UTC began a file of its own.
    const midnight = Date.UTC(2025, 2, 12);
    const firsts = recorder.files.map((file) => readRecording(file).start);
    expect(firsts).toContain(written.find((at) => at >= midnight));
  });

  it('skip the unfinished last line of a file still being written, and name a bad line', () => {
    folder = mkdtempSync(join(tmpdir(), 'tickerboard-recording-'));
    const file = join(folder, 'live.ndjson');
    const clock = new ManualClock();
    const recorder = new Recorder({ path: file, maxBytes: 1 << 20, clock });
    recorder.write({ at: clock.now(), source: 'sim', phase: 'live', event: trade(clock.now()) });
    recorder.close();
    appendFileSync(file, '{"at":1,"source":"sim","pha');
    expect(readRecording(file).lines).toHaveLength(1);
    appendFileSync(file, '\n{"at":2}\n');
    expect(() => readRecording(file)).toThrow(/live\.ndjson:2: not JSON/);
  });
});
