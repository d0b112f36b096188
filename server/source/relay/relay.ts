import type { Instrument } from '../../../lib/instrument';
import type { UnixMillis } from '../../../lib/nominal';
import type { SymbolStatus } from '../../../lib/protocol';
import { every, type Clock } from '../../clock';
import type { Logger } from '../../logger';
import type { EventSink, PriceSource, SourceHealth } from '../price-source';
import { createBackoff, type Backoff } from './backoff';
import { BarRepairs } from './bar-repair';
import { carry, quietStatus, type Carried } from './carried';
import { learnInstruments } from './learn';
import { RelayHealth } from './relay-health';
import type { Venue, VenueInstrument, VenueMessage } from './venue';
import { VenueSocket } from './venue-socket';
import { quoteInUnits, tradeInUnits } from './venue-units';

export interface RelayOptions {
  venue: Venue;
  /** The venue's spellings of the symbols to carry. */
  symbols: readonly string[];
  clock: Clock;
  logger: Logger;
  /** A symbol with nothing from its upstream for this long is stale. */
  staleMs: number;
  /** Bars to fetch per interval at start (at most one request's worth). */
  historyBars: number;
  /** How late a trade may arrive and still count, ms. */
  graceMs?: number;
  /** How long after a repair's cut the venue's bars are taken to hold every trade before it, ms. */
  settleMs?: number;
  pingMs?: number;
  /** Delays between attempts, for the socket and for REST. */
  backoff?: () => Backoff;
}

/**
 * A relay of one venue: learns its instruments from the venue (learn.ts), streams its trades and quotes in ticks and
 * lots (venue-units.ts: off-grid prices refused and logged) over one venue socket (venue-socket.ts), drops
 * duplicates and lands late trades in their bars (trade-intake.ts), marks symbols stale when their upstream goes
 * quiet (relay-health.ts for the source's health), and after any gap (start, reconnect, missing trade numbers) takes
 * the venue's REST bars for the gap so the charts have no hole and count nothing twice (bar-repair.ts).
 */
export class Relay implements PriceSource {
  readonly name: string;
  /** None before start: a relay learns its instruments from the venue and sends them as `instrument` events. */
  readonly instruments: readonly Instrument[] = [];
  private readonly options: Required<Omit<RelayOptions, 'backoff'>> & Pick<RelayOptions, 'backoff'>;
  private readonly venue: Venue;
  /** The symbols carried, by the venue's spelling. */
  private readonly carried = new Map<string, Carried>();
  private readonly state: RelayHealth;
  private readonly repairs: BarRepairs;
  private sink: EventSink | undefined;
  private socket: VenueSocket | undefined;
  private connected = false;
  private readonly stops: (() => void)[] = [];
  private stopped = false;

  constructor(options: RelayOptions) {
    this.options = { graceMs: 2000, settleMs: 1500, pingMs: 15_000, ...options };
    this.venue = options.venue;
    this.name = options.venue.name;
    this.state = new RelayHealth(options.clock);
    this.repairs = new BarRepairs({
      venue: options.venue,
      clock: options.clock,
      logger: options.logger,
      settleMs: this.options.settleMs,
      historyBars: options.historyBars,
      newBackoff: () => this.newBackoff(),
      sink: () => this.sink,
    });
  }

  backfill(): void {
    // History arrives from the venue's REST bars once connected, as `bars` events.
  }

  health(): SourceHealth {
    return this.state.current;
  }

  start(sink: EventSink): () => void {
    this.sink = sink;
    this.learn().catch((error: unknown) => {
      this.state.set('down', `could not start: ${(error as Error).message}`);
      this.log.error({ venue: this.name, err: (error as Error).message }, 'relay failed to start');
    });
    return () => this.stop();
  }

  private stop(): void {
    this.stopped = true;
    this.socket?.stop();
    for (const stop of this.stops) stop();
    this.repairs.stop(this.carried.values());
    this.sink = undefined;
  }

  private get log(): Logger {
    return this.options.logger;
  }

  private async learn(): Promise<void> {
    const unknown = await learnInstruments({
      venue: this.venue,
      symbols: this.options.symbols,
      clock: this.options.clock,
      logger: this.log,
      backoff: this.newBackoff(),
      stopped: () => this.stopped,
      paused: (stop) => this.stops.push(stop),
      learned: (learned) => this.carry(learned),
      unreachable: (reason) => this.state.set('down', reason),
    });
    if (this.stopped) return;
    if (this.carried.size === 0) {
      this.state.set('down', `no symbol known at ${this.name}: ${unknown.join(', ')}`);
      return;
    }
    if (unknown.length > 0) this.log.warn({ venue: this.name, unknown }, 'carrying the known symbols only');
    this.connect(unknown);
  }

  private carry(learned: VenueInstrument): void {
    this.carried.set(learned.venueSymbol, carry(learned, this.options.graceMs));
    this.sink?.({ type: 'instrument', instrument: learned.instrument, source: this.name, status: 'stale' });
  }

  private connect(unknown: readonly string[]): void {
    const { clock, staleMs, pingMs } = this.options;
    const symbols = [...this.carried.keys()];
    this.state.noteUnknown(unknown);
    this.socket = new VenueSocket({
      venue: this.name,
      url: () => this.venue.socketUrl(symbols),
      clock,
      logger: this.log,
      pingMs,
      backoff: this.newBackoff(),
      ...(this.venue.messagesPerSecond === undefined
        ? {}
        : { messagesPerSecond: this.venue.messagesPerSecond }),
      // Well before the venue's forced disconnect.
      ...(this.venue.connectionLifetimeMs === undefined
        ? {}
        : { rotateMs: this.venue.connectionLifetimeMs - 10 * 60_000 }),
      handlers: {
        open: (send) => {
          const wasDown = !this.connected;
          this.connected = true;
          for (const message of this.venue.subscriptions(symbols)) send(message);
          if (wasDown) for (const carried of this.carried.values()) this.repairs.begin(carried);
          this.state.waiting();
        },
        message: (text) => this.onMessage(text),
        down: (reason) => {
          this.connected = false;
          this.state.down(reason);
          const now = clock.now();
          for (const carried of this.carried.values()) this.setStatus(carried, quietStatus(carried, now));
        },
      },
    });
    this.socket.start();
    this.stops.push(every(clock, Math.max(50, Math.floor(staleMs / 5)), () => this.sweep()));
  }

  /** Staleness and trade-number gaps, a few times per STALE_MS. */
  private sweep(): void {
    const now = this.options.clock.now();
    let live = 0;
    for (const carried of this.carried.values()) {
      if (now - carried.lastHeard >= this.options.staleMs) {
        const quiet = quietStatus(carried, now);
        if (carried.status !== quiet) {
          this.setStatus(carried, quiet);
          this.log.info(
            { venue: this.name, symbol: carried.symbol, status: quiet },
            'nothing from the venue',
          );
        }
      }
      if (carried.status === 'live') live++;
      // Numbers found missing during a repair wait for it to end: they may be after its cut.
      const gap = carried.repair ? undefined : carried.intake.gap(now);
      if (gap !== undefined) {
        this.log.warn({ venue: this.name, symbol: carried.symbol }, 'trades missing: repairing from bars');
        this.repairs.begin(carried, gap);
      }
    }
    if (!this.connected) return;
    if (live > 0) this.state.live();
    else this.state.quiet(this.options.staleMs);
  }

  private onMessage(text: string): void {
    let messages: VenueMessage[];
    try {
      messages = this.venue.parse(text);
    } catch (error) {
      this.log.warn(
        { venue: this.name, err: (error as Error).message, text: text.slice(0, 200) },
        'unreadable message',
      );
      return;
    }
    const now = this.options.clock.now();
    for (const message of messages) {
      if (message.kind === 'malformed') {
        this.log.warn(
          { venue: this.name, reason: message.reason, text: text.slice(0, 200) },
          'malformed message',
        );
        continue;
      }
      if (message.kind === 'error') {
        this.log.error({ venue: this.name, message: message.message }, 'the venue reported an error');
        continue;
      }
      if (message.kind === 'ignored') continue;
      const carried = this.carried.get(message.venueSymbol);
      if (!carried) {
        this.log.debug({ venue: this.name, symbol: message.venueSymbol }, 'message for a symbol not carried');
        continue;
      }
      carried.lastHeard = now;
      this.setStatus(carried, 'live');
      if (this.connected) this.state.live();
      if (message.kind === 'heartbeat') {
        if (message.lastTradeId !== undefined && !carried.repair)
          carried.intake.heard(message.lastTradeId, now);
      } else if (message.kind === 'quote') {
        this.onQuote(carried, message, now);
      } else {
        this.onTrade(carried, message, now);
      }
    }
  }

  private onQuote(
    carried: Carried,
    message: Extract<VenueMessage, { kind: 'quote' }>,
    now: UnixMillis,
  ): void {
    const quote = quoteInUnits(carried, message, now);
    if (!quote) {
      const { tickStep } = carried.venue;
      this.log.warn(
        { venue: this.name, symbol: carried.symbol, bid: message.bid, ask: message.ask, tickStep },
        'quote off the tick grid refused',
      );
      return;
    }
    this.sink?.(quote);
  }

  private onTrade(
    carried: Carried,
    message: Extract<VenueMessage, { kind: 'trade' }>,
    now: UnixMillis,
  ): void {
    const trade = tradeInUnits(carried, message);
    if (!trade) {
      const { tickStep, lotStep } = carried.venue;
      this.log.warn(
        {
          venue: this.name,
          symbol: carried.symbol,
          price: message.price,
          size: message.size,
          tickStep,
          lotStep,
        },
        'trade off the tick or lot grid refused',
      );
      return;
    }
    const intake = carried.intake.accept(trade, now);
    if (intake !== 'accepted') {
      this.log.debug(
        { venue: this.name, symbol: carried.symbol, tradeId: trade.tradeId, intake },
        'trade dropped',
      );
      return;
    }
    const repair = carried.repair;
    if (repair && trade.time >= repair.cut) repair.since.push(trade);
    // Already in the venue's bars that replaced ours.
    if (!repair && trade.time < carried.repairedUntil) return;
    this.sink?.(trade);
  }

  private setStatus(carried: Carried, status: SymbolStatus): void {
    if (carried.status === status) return;
    carried.status = status;
    this.sink?.({ type: 'status', symbol: carried.symbol, status });
  }

  private newBackoff(): Backoff {
    return this.options.backoff?.() ?? createBackoff();
  }
}
