import { aggregate, type Bar } from '../../../lib/candles';
import { unitsOf } from '../../../lib/decimal';
import { INTERVAL_SECONDS, type Interval } from '../../../lib/intervals';
import type { Instrument } from '../../../lib/instrument';
import type { Lots, Ticks, UnixMillis } from '../../../lib/nominal';
import type { SymbolStatus } from '../../../lib/protocol';
import { sessionAt } from '../../../lib/calendar/sessions';
import { every, type Clock } from '../../clock';
import type { Logger } from '../../logger';
import type { EventSink, PriceSource, SourceHealth, TradeEvent } from '../price-source';
import { createBackoff, type Backoff } from './backoff';
import { barsBefore, mergeBars } from './repair';
import { TradeIntake } from './trade-intake';
import { VenueError, type Venue, type VenueBar, type VenueInstrument, type VenueMessage } from './venue';
import { VenueSocket } from './venue-socket';

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

interface Repair {
  /** Trades before it come from the venue's bars; trades from it on stream as usual and are noted. */
  cut: UnixMillis;
  /** Bars from this time on are fetched again. */
  from: UnixMillis;
  /** The trades from `cut` on sent meanwhile, to add to the bar the venue's bars end inside. */
  since: TradeEvent[];
  cancel: () => void;
}

interface Carried {
  venue: VenueInstrument;
  symbol: string;
  intake: TradeIntake;
  status: SymbolStatus;
  lastHeard: number;
  repair: Repair | undefined;
  /** Trades before this time are in the venue's bars already. */
  repairedUntil: number;
}

/**
 * A relay of one venue: learns its instruments from the venue, streams its trades and quotes in ticks and lots
 * (off-grid prices refused and logged), drops duplicates, lands late trades in their bars, marks symbols stale when
 * their upstream goes quiet, and after any gap (start, reconnect, missing trade numbers) takes the venue's REST bars
 * for the gap so the charts have no hole and count nothing twice.
 */
export class Relay implements PriceSource {
  readonly name: string;
  /** None before start: a relay learns its instruments from the venue and sends them as `instrument` events. */
  readonly instruments: readonly Instrument[] = [];
  private readonly options: Required<Omit<RelayOptions, 'backoff'>> & Pick<RelayOptions, 'backoff'>;
  private readonly venue: Venue;
  private readonly carried = new Map<string, Carried>();
  private state: SourceHealth;
  private sink: EventSink | undefined;
  private socket: VenueSocket | undefined;
  private connected = false;
  private readonly stops: (() => void)[] = [];
  private stopped = false;
  /** Symbols the venue did not know, for the health's reason. */
  private unknownNote = '';

  constructor(options: RelayOptions) {
    this.options = { graceMs: 2000, settleMs: 1500, pingMs: 15_000, ...options };
    this.venue = options.venue;
    this.name = options.venue.name;
    this.state = { state: 'connecting', since: options.clock.now() };
  }

  backfill(): void {
    // History arrives from the venue's REST bars once connected, as `bars` events.
  }

  health(): SourceHealth {
    return this.state;
  }

  start(sink: EventSink): () => void {
    this.sink = sink;
    this.learn().catch((error: unknown) => {
      this.setHealth('down', `could not start: ${(error as Error).message}`);
      this.log.error({ venue: this.name, err: (error as Error).message }, 'relay failed to start');
    });
    return () => this.stop();
  }

  private stop(): void {
    this.stopped = true;
    this.socket?.stop();
    for (const stop of this.stops) stop();
    for (const carried of this.carried.values()) carried.repair?.cancel();
    this.sink = undefined;
  }

  private get log(): Logger {
    return this.options.logger;
  }

  private setHealth(state: SourceHealth['state'], reason?: string): void {
    if (this.state.state === state && this.state.reason === reason) return;
    this.state = { state, reason, since: this.options.clock.now() };
  }

  /** Learns every instrument, retrying an unreachable venue; an unknown symbol is reported and left out. */
  private async learn(): Promise<void> {
    const backoff = this.newBackoff();
    const pending = new Set(this.options.symbols);
    const unknown: string[] = [];
    while (pending.size > 0 && !this.stopped) {
      let failure: string | undefined;
      for (const venueSymbol of [...pending]) {
        try {
          const learned = await this.venue.instrument(venueSymbol);
          pending.delete(venueSymbol);
          this.carry(learned);
        } catch (error) {
          if (error instanceof VenueError && error.unknownSymbol) {
            pending.delete(venueSymbol);
            unknown.push(venueSymbol);
            this.log.error(
              { venue: this.name, symbol: venueSymbol },
              `unknown symbol ${venueSymbol} at ${this.name}: remove it from ${this.venue.symbolsVariable} (${(error as Error).message})`,
            );
          } else {
            failure = (error as Error).message;
          }
        }
        if (this.stopped) return;
      }
      if (pending.size === 0) break;
      const delay = backoff.next();
      this.setHealth('down', failure);
      this.log.warn({ venue: this.name, reason: failure, retryInMs: delay }, 'venue unreachable, retrying');
      await new Promise<void>((resolve) => this.stops.push(this.options.clock.setTimer(resolve, delay)));
    }
    if (this.stopped) return;
    if (this.carried.size === 0) {
      this.setHealth('down', `no symbol known at ${this.name}: ${unknown.join(', ')}`);
      return;
    }
    if (unknown.length > 0) this.log.warn({ venue: this.name, unknown }, 'carrying the known symbols only');
    this.connect(unknown);
  }

  private carry(learned: VenueInstrument): void {
    const carried: Carried = {
      venue: learned,
      symbol: learned.instrument.symbol,
      intake: new TradeIntake(this.options.graceMs),
      status: 'stale',
      lastHeard: -Infinity,
      repair: undefined,
      repairedUntil: -Infinity,
    };
    this.carried.set(learned.venueSymbol, carried);
    this.sink?.({ type: 'instrument', instrument: learned.instrument, source: this.name, status: 'stale' });
  }

  private connect(unknown: readonly string[]): void {
    const { clock, staleMs, pingMs } = this.options;
    const symbols = [...this.carried.keys()];
    const unknownNote = unknown.length > 0 ? `; unknown: ${unknown.join(', ')}` : '';
    this.unknownNote = unknownNote;
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
          if (wasDown) for (const carried of this.carried.values()) this.beginRepair(carried);
          this.setHealth('stale', `subscribed, waiting for data${unknownNote}`);
        },
        message: (text) => this.onMessage(text),
        down: (reason) => {
          this.connected = false;
          this.setHealth('down', `${reason}${unknownNote}`);
          const now = clock.now();
          for (const carried of this.carried.values())
            this.setStatus(carried, this.quietStatus(carried, now));
        },
      },
    });
    this.socket.start();
    this.stops.push(every(clock, Math.max(50, Math.floor(staleMs / 5)), () => this.sweep()));
  }

  /** Staleness and trade-number gaps, a few times per STALE_MS. */
  private sweep(): void {
    const unknownNote = this.unknownNote;
    const now = this.options.clock.now();
    let live = 0;
    for (const carried of this.carried.values()) {
      if (now - carried.lastHeard >= this.options.staleMs) {
        const quiet = this.quietStatus(carried, now);
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
        this.beginRepair(carried, gap);
      }
    }
    if (!this.connected) return;
    if (live > 0) this.setLive();
    else this.setHealth('stale', `no data for ${this.options.staleMs} ms${unknownNote}`);
  }

  private setLive(): void {
    this.setHealth('live', this.unknownNote === '' ? undefined : this.unknownNote.slice(2));
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
      if (this.connected) this.setLive();
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
    const { tickStep, lotStep } = carried.venue;
    const bid = unitsOf(message.bid, tickStep);
    const ask = unitsOf(message.ask, tickStep);
    if (bid === undefined || ask === undefined || bid <= 0 || ask <= 0) {
      this.log.warn(
        { venue: this.name, symbol: carried.symbol, bid: message.bid, ask: message.ask, tickStep },
        'quote off the tick grid refused',
      );
      return;
    }
    const bidSize = message.bidSize === undefined ? undefined : unitsOf(message.bidSize, lotStep);
    const askSize = message.askSize === undefined ? undefined : unitsOf(message.askSize, lotStep);
    this.sink?.({
      type: 'quote',
      symbol: carried.symbol,
      time: (message.time ?? now) as UnixMillis,
      bid: bid as Ticks,
      ask: ask as Ticks,
      bidSize: bidSize as Lots | undefined,
      askSize: askSize as Lots | undefined,
    });
  }

  private onTrade(
    carried: Carried,
    message: Extract<VenueMessage, { kind: 'trade' }>,
    now: UnixMillis,
  ): void {
    const { tickStep, lotStep } = carried.venue;
    const price = unitsOf(message.price, tickStep);
    const size = unitsOf(message.size, lotStep);
    if (price === undefined || size === undefined || price <= 0) {
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
    const trade: TradeEvent = {
      type: 'trade',
      symbol: carried.symbol,
      time: message.time as UnixMillis,
      price: price as Ticks,
      size: size as Lots,
      side: message.side,
      tradeId: message.tradeId,
    };
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

  /**
   * Cuts at the next boundary of the venue's shortest bar: once the venue's bars hold every trade before the cut, they
   * replace ours from the gap on, and the bar each interval has across the cut becomes the venue's part before it
   * plus the trades streamed from it on.
   */
  private beginRepair(carried: Carried, gapAfter = carried.intake.newestTime): void {
    const { clock, settleMs } = this.options;
    const previous = carried.repair;
    previous?.cancel();
    carried.intake.forgetMissing();
    const [shortest] = this.venue.historyIntervals;
    const step = (shortest === undefined ? 1 : INTERVAL_SECONDS[shortest]) * 1000;
    const latest = Math.max(clock.now(), carried.intake.newestTime + 1);
    const cut = (Math.floor(latest / step) * step + step) as UnixMillis;
    // A repair that was still under way is taken over: its gap is this one's too.
    const start = Math.min(gapAfter, previous?.from ?? Infinity);
    const from = (Number.isFinite(start) ? start : -Infinity) as UnixMillis;
    const backoff = this.newBackoff();
    const repair: Repair = { cut, from, since: [], cancel: () => {} };
    carried.repair = repair;
    const attempt = (): void => {
      if (carried.repair !== repair || this.stopped) return;
      this.fetchBars(carried, repair).then(
        (bars) => this.finishRepair(carried, repair, bars),
        (error: unknown) => {
          if (carried.repair !== repair || this.stopped) return;
          const delay = backoff.next();
          this.log.warn(
            { venue: this.name, symbol: carried.symbol, err: (error as Error).message, retryInMs: delay },
            'bars unavailable, retrying',
          );
          repair.cancel = clock.setTimer(attempt, delay);
        },
      );
    };
    repair.cancel = clock.setTimer(attempt, Math.max(1, cut + settleMs - clock.now()));
  }

  private async fetchBars(carried: Carried, repair: Repair): Promise<Map<Interval, Bar[]>> {
    const intervals = this.venue.historyIntervals;
    const fetched = new Map<Interval, Bar[]>();
    const limit = Math.min(this.options.historyBars, this.venue.barsPerRequest);
    for (let i = 0; i < intervals.length; i++) {
      const interval = intervals[i] as Interval;
      const ms = INTERVAL_SECONDS[interval] * 1000;
      const longer = intervals[i + 1];
      // The bucket of the next longer interval that holds the cut is tiled from this one's bars.
      const tile =
        longer === undefined
          ? Infinity
          : Math.floor(repair.cut / (INTERVAL_SECONDS[longer] * 1000)) * INTERVAL_SECONDS[longer] * 1000;
      // At start, one request's worth; after a gap, from the gap on, within the bars kept.
      const from = Number.isFinite(repair.from)
        ? Math.max(
            repair.cut - this.options.historyBars * ms,
            Math.min(Math.floor(repair.from / ms) * ms, tile),
          )
        : Math.min(repair.cut - limit * ms, tile);
      const raw = await this.venue.bars(carried.venue.venueSymbol, interval, from as UnixMillis, repair.cut);
      fetched.set(interval, this.toBars(carried, raw));
    }
    return fetched;
  }

  private toBars(carried: Carried, raw: readonly VenueBar[]): Bar[] {
    const { tickStep, lotStep } = carried.venue;
    const bars: Bar[] = [];
    for (const bar of raw) {
      const open = unitsOf(bar.open, tickStep);
      const high = unitsOf(bar.high, tickStep);
      const low = unitsOf(bar.low, tickStep);
      const close = unitsOf(bar.close, tickStep);
      const volume = unitsOf(bar.volume, lotStep);
      if (
        open === undefined ||
        high === undefined ||
        low === undefined ||
        close === undefined ||
        volume === undefined
      ) {
        this.log.warn(
          { venue: this.name, symbol: carried.symbol, bar },
          'bar off the tick or lot grid refused',
        );
        continue;
      }
      bars.push({
        time: bar.time,
        open: open as Ticks,
        high: high as Ticks,
        low: low as Ticks,
        close: close as Ticks,
        volume: volume as Lots,
      });
    }
    return bars;
  }

  private finishRepair(carried: Carried, repair: Repair, fetched: Map<Interval, Bar[]>): void {
    if (carried.repair !== repair || this.stopped || !this.sink) return;
    const sink = this.sink;
    const since = repair.since;
    const newest = since.reduce((latest, trade) => Math.max(latest, trade.time), repair.cut - 1);
    for (const [interval, bars] of barsBefore(fetched, this.venue.historyIntervals, repair.cut)) {
      const last = bars.at(-1);
      const seconds = INTERVAL_SECONDS[interval];
      // The bar across the cut: the venue's part before it, then what streamed since.
      if (last && last.time * 1000 < repair.cut && (last.time + seconds) * 1000 > repair.cut) {
        const after = aggregate(since, interval).filter((bar) => bar.time === last.time);
        bars[bars.length - 1] = mergeBars([last, ...after], last.time) ?? last;
      }
      if (bars.length > 0) {
        sink({ type: 'bars', symbol: carried.symbol, interval, bars, asOf: (newest + 1) as UnixMillis });
      }
    }
    carried.repair = undefined;
    carried.repairedUntil = repair.cut;
    this.log.info(
      {
        venue: this.name,
        symbol: carried.symbol,
        cut: new Date(repair.cut).toISOString(),
        since: since.length,
      },
      'bars repaired from the venue',
    );
  }

  /** What a symbol is while its venue sends nothing: `closed` outside its session (a stock at night), else `stale`. */
  private quietStatus(carried: Carried, now: UnixMillis): SymbolStatus {
    return sessionAt(carried.venue.instrument.assetClass, now).phase === 'closed' ? 'closed' : 'stale';
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
