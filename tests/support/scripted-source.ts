import type { Instrument } from '../../lib/instrument';
import type { UnixMillis } from '../../lib/nominal';
import type { EventSink, PriceSource, SourceEvent, SourceHealth } from '../../server/source/price-source';

/** A source whose events a test sends by hand once the server has started it. */
export class ScriptedSource implements PriceSource {
  readonly name: string;
  readonly instruments: readonly Instrument[];
  private sink: EventSink | undefined;
  private state: SourceHealth = { state: 'connecting', since: 0 as UnixMillis };

  constructor(name: string, instruments: readonly Instrument[] = []) {
    this.name = name;
    this.instruments = instruments;
  }

  backfill(): void {}

  start(sink: EventSink): () => void {
    this.sink = sink;
    return () => {
      this.sink = undefined;
    };
  }

  health(): SourceHealth {
    return this.state;
  }

  setHealth(health: SourceHealth): void {
    this.state = health;
  }

  send(...events: SourceEvent[]): void {
    if (!this.sink) throw new Error(`${this.name} is not started`);
    for (const event of events) this.sink(event);
  }
}
