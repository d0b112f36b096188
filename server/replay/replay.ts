import type { UnixMillis } from '../../lib/nominal';
import type { ReplayState } from '../../lib/protocol';
import type { Clock } from '../clock';
import type { EventSink, PriceSource, SourceHealth } from '../source/price-source';
import { ReplayClock } from './replay-clock';
import { readRecording, type RecordedLine, type Recording } from './recording';

/**
 * A recording played back as a price source (`FEED=replay:<file-or-folder>`): its history as the recording run's
 * backfill, then its live events at their recorded times on the replay's own clock, which the server runs on, so
 * the market receives the same events in the same order and builds the same bars. Pause, speed and seek act on
 * that clock; a seek rebuilds the market from the recording up to the new time (`rebuild`).
 */
export class Replay implements PriceSource {
  readonly name = 'replay';
  readonly instruments = [];
  readonly clock: ReplayClock;
  private readonly recording: Recording;
  /** Index of the first live line. */
  private readonly liveFrom: number;
  private next: number;
  private sink: EventSink | undefined;
  private cancel: () => void = () => {};
  private stopClock: () => void = () => {};
  private readonly created: number;

  constructor(recording: Recording, speed: number, real: Clock) {
    this.recording = recording;
    this.clock = new ReplayClock(recording.start, speed, real);
    const live = recording.lines.findIndex((line) => line.phase === 'live');
    this.liveFrom = live < 0 ? recording.lines.length : live;
    this.next = this.liveFrom;
    this.created = real.now();
  }

  static open(path: string, speed: number, real: Clock): Replay {
    return new Replay(readRecording(path), speed, real);
  }

  health(): SourceHealth {
    return { state: 'live', since: this.created as UnixMillis };
  }

  state(): ReplayState {
    return {
      start: this.recording.start,
      end: this.recording.end,
      position: this.clock.now(),
      speed: this.clock.speed,
      paused: this.clock.paused,
      ended: this.next >= this.recording.lines.length,
    };
  }

  backfill(sink: EventSink): void {
    for (let i = 0; i < this.liveFrom; i++) sink((this.recording.lines[i] as RecordedLine).event);
  }

  start(sink: EventSink): () => void {
    this.sink = sink;
    this.stopClock = this.clock.start();
    this.arm();
    return () => {
      this.cancel();
      this.stopClock();
      this.sink = undefined;
    };
  }

  play(): void {
    if (this.next < this.recording.lines.length) this.clock.play();
  }

  pause(): void {
    this.clock.pause();
  }

  setSpeed(speed: number): void {
    this.clock.setSpeed(speed);
  }

  /**
   * Moves to `time` (clamped to the recording): `rebuild` is given the backfill and then every live event up to
   * it, to make the market afresh, and playing continues from there as it was (paused or not).
   */
  seek(
    time: number,
    rebuild: (backfill: (sink: EventSink) => void, upTo: (sink: EventSink) => void) => void,
  ): void {
    const target = Math.min(this.recording.end, Math.max(this.recording.start, time));
    this.cancel();
    let next = this.liveFrom;
    while (next < this.recording.lines.length && (this.recording.lines[next] as RecordedLine).at <= target)
      next++;
    rebuild(
      (sink) => this.backfill(sink),
      (sink) => {
        for (let i = this.liveFrom; i < next; i++) sink((this.recording.lines[i] as RecordedLine).event);
      },
    );
    this.next = next;
    this.clock.jump(target);
    this.arm();
  }

  /** Plays every line due now, then waits on the replay clock for the next; pauses at the end. */
  private arm(): void {
    this.cancel();
    const { lines } = this.recording;
    const line = lines[this.next];
    if (!line) {
      this.clock.pause();
      return;
    }
    this.cancel = this.clock.setTimer(() => {
      const sink = this.sink;
      for (let now = this.clock.now(); this.next < lines.length; this.next++) {
        const due = lines[this.next] as RecordedLine;
        if (due.at > now) break;
        sink?.(due.event);
      }
      this.arm();
    }, line.at - this.clock.now());
  }
}
