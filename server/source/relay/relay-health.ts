import type { Clock } from '../../clock';
import type { SourceHealth } from '../price-source';

/** A relay's health as `/healthz` reports it; once connecting, every reason names the symbols the venue did not know. */
export class RelayHealth {
  private readonly clock: Clock;
  private state: SourceHealth;
  /** `; unknown: X, Y` or nothing. */
  private unknownNote = '';

  constructor(clock: Clock) {
    this.clock = clock;
    this.state = { state: 'connecting', since: clock.now() };
  }

  get current(): SourceHealth {
    return this.state;
  }

  /** Symbols the venue does not know, named in the reasons from now on. */
  noteUnknown(unknown: readonly string[]): void {
    this.unknownNote = unknown.length > 0 ? `; unknown: ${unknown.join(', ')}` : '';
  }

  /** Sets the health as it is said, its `since` only when it changes. */
  set(state: SourceHealth['state'], reason?: string): void {
    if (this.state.state === state && this.state.reason === reason) return;
    this.state = { state, reason, since: this.clock.now() };
  }

  /** Every connection to the venue is gone. */
  down(reason: string): void {
    this.set('down', `${reason}${this.unknownNote}`);
  }

  /** Connected and subscribed, nothing heard yet. */
  waiting(): void {
    this.set('stale', `subscribed, waiting for data${this.unknownNote}`);
  }

  /** Connected, and no symbol has been heard of for `staleMs`. */
  quiet(staleMs: number): void {
    this.set('stale', `no data for ${staleMs} ms${this.unknownNote}`);
  }

  /** A symbol at least is live. */
  live(): void {
    this.set('live', this.unknownNote === '' ? undefined : this.unknownNote.slice(2));
  }
}
