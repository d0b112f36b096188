import type { Instrument } from '../../lib/instrument';
import type { QuoteEntry, StatusEntry, Subscribed, SymbolStatus } from '../../lib/protocol';
import { applyDeltas, applySnapshot, removeSymbols, type QuoteBook } from '../../lib/quote-book';
import type { Quote } from '../../lib/quote';
import { decimalQuote, type DecimalQuote } from '../../lib/decimals';
import { refused, TRANSIENT, type Channel } from './channel';
import { TickerboardError } from './errors';
import { Subscription, type SubscriptionState } from './subscription';

/** One symbol's quote as a subscription hands it out: in decimals, and in ticks with the instrument. */
export interface LiveQuote extends DecimalQuote {
  symbol: string;
  instrument: Instrument;
  /** The server's sequence number of this state of the quote. */
  seq: number;
  /** The same quote in integer ticks and lots, as on the wire. */
  ticks: Quote;
  /** An update was missed: the quote is held as it was until a snapshot replaces it. */
  stale: boolean;
  /**
   * Whether the server's prices of it are current (`live`, `stale`: its upstream is down or silent, `closed`:
   * outside its session), from the server's `status` events; undefined until the first.
   */
  status: SymbolStatus | undefined;
  /** The source that carries it (`sim`, `binance`, …), once known. */
  source: string | undefined;
}

export interface QuoteUpdate {
  /** The quotes that changed, in the order the server sent them. */
  quotes: LiveQuote[];
}

export interface QuoteOptions {
  /** Changes at most this often, ms (the server rounds it to 25 ms within its bounds); its default otherwise. */
  throttleMs?: number | undefined;
}

type SlotStatus = Exclude<SubscriptionState, 'unsubscribed'>;

/** What the registry knows of one symbol: who wants it and where the server's subscription to it stands. */
interface Slot {
  readonly subscribers: Set<QuoteSubscription>;
  status: SlotStatus;
  error: TickerboardError | undefined;
  /** The server holds it for this connection, at `heldThrottleMs`. */
  held: boolean;
  heldThrottleMs: number | undefined;
  /** A request for it is on its way (or waiting out a refusal); nothing more is asked meanwhile. */
  pending: boolean;
  /** A delta was missed: a snapshot is wanted. */
  gap: boolean;
}

/**
 * Keeps the server's quote subscriptions (what is held) equal to what the subscription objects want, one slot per
 * symbol: asks for the missing in batches, drops the unwanted, resyncs a symbol that missed a delta with one
 * request, and asks for everything again after a reconnect. Frames go through the pure reducer of lib/quote-book.
 */
export class QuoteRegistry {
  private readonly slots = new Map<string, Slot>();
  private book: QuoteBook = {};
  private readonly statuses = new Map<string, StatusEntry>();
  private transientAttempt = 0;

  constructor(private readonly channel: Channel) {}

  subscribe(symbols: readonly string[], options: QuoteOptions): QuoteSubscription {
    const subscription = new QuoteSubscription(this, [...new Set(symbols)], options.throttleMs);
    for (const symbol of subscription.symbols) {
      let slot = this.slots.get(symbol);
      if (!slot || (slot.status === 'failed' && !slot.pending)) {
        slot = {
          subscribers: new Set(),
          status: 'subscribing',
          error: undefined,
          held: slot?.held ?? false,
          heldThrottleMs: slot?.heldThrottleMs,
          pending: false,
          gap: false,
        };
        this.slots.set(symbol, slot);
      }
      slot.subscribers.add(subscription);
    }
    subscription.refresh();
    this.schedule();
    return subscription;
  }

  release(subscription: QuoteSubscription): void {
    for (const symbol of subscription.symbols) this.slots.get(symbol)?.subscribers.delete(subscription);
    this.schedule();
  }

  slotState(symbol: string): { status: SlotStatus; error: TickerboardError | undefined } | undefined {
    const slot = this.slots.get(symbol);
    return slot && { status: slot.status, error: slot.error };
  }

  quote(symbol: string): LiveQuote | undefined {
    const entry = this.book[symbol];
    const instrument = this.channel.instrument(symbol);
    if (!entry || !instrument) return undefined;
    return {
      symbol,
      instrument,
      seq: entry.seq,
      ticks: entry.quote,
      stale: entry.stale,
      status: this.statuses.get(symbol)?.[1],
      source: this.statuses.get(symbol)?.[2],
      ...decimalQuote(entry.quote, instrument),
    };
  }

  /** Applies a frame's quote entries; symbols that missed a delta are asked for again. */
  frame(entries: readonly QuoteEntry[]): void {
    const { book, gaps } = applyDeltas(this.book, entries);
    if (book === this.book) return;
    this.book = book;
    for (const symbol of gaps) {
      const slot = this.slots.get(symbol);
      // A symbol already being resynced reports a gap on every frame until its snapshot lands.
      if (slot && !slot.gap && !slot.pending) {
        slot.gap = true;
        this.setStatus(symbol, 'resyncing');
      }
    }
    const changed = entries.map((entry) => entry[0]).filter((symbol) => !gaps.includes(symbol));
    this.deliver([...new Set(changed)]);
    if (gaps.length > 0) this.reconcile();
  }

  /** Takes the server's status entries; subscribers of a symbol whose status changed get an update. */
  status(entries: readonly StatusEntry[]): void {
    const changed: string[] = [];
    for (const entry of entries) {
      const [symbol, status, source] = entry;
      const before = this.statuses.get(symbol);
      this.statuses.set(symbol, entry);
      if (before?.[1] !== status || before[2] !== source) changed.push(symbol);
    }
    this.deliver(changed);
  }

  /** The connection is lost: the server forgot every subscription; what was held is kept, stale. */
  disconnected(): void {
    for (const [symbol, slot] of this.slots) {
      slot.held = false;
      slot.pending = false;
      slot.gap = false;
      if (slot.status !== 'failed') this.setStatus(symbol, symbol in this.book ? 'stale' : 'subscribing');
    }
    this.transientAttempt = 0;
  }

  /** The client was closed: every subscription ends. */
  endAll(): void {
    const subscriptions = [...this.slots.values()].flatMap((slot) => [...slot.subscribers]);
    for (const subscription of subscriptions) subscription.unsubscribe();
  }

  /** The client ended (an outdated server, a refused token): every subscription fails with `error`. */
  failAll(error: TickerboardError): void {
    for (const [symbol, slot] of this.slots) {
      slot.error = new TickerboardError(error.code, error.message, [symbol]);
      this.setStatus(symbol, 'failed');
    }
  }

  /** Moves what the server holds toward what the subscriptions want. Safe to call at any time. */
  reconcile(): void {
    if (!this.channel.ready) return;
    const wanted = new Map<number | undefined, string[]>();
    const unwanted: string[] = [];
    for (const [symbol, slot] of this.slots) {
      if (slot.pending) continue;
      const throttleMs = this.throttleOf(slot);
      if (slot.subscribers.size === 0 || slot.status === 'failed') {
        if (slot.held) unwanted.push(symbol);
        if (slot.subscribers.size === 0) {
          this.slots.delete(symbol);
          this.book = removeSymbols(this.book, [symbol]);
        }
      } else if (!slot.held || slot.gap || slot.heldThrottleMs !== throttleMs) {
        const batch = wanted.get(throttleMs) ?? [];
        batch.push(symbol);
        wanted.set(throttleMs, batch);
      }
    }
    const chunk = this.channel.limits?.maxSymbolsPerRequest ?? 50;
    for (let i = 0; i < unwanted.length; i += chunk) {
      this.channel.emit('unsubscribe', { symbols: unwanted.slice(i, i + chunk) }, () => {});
    }
    for (const [throttleMs, symbols] of wanted) {
      for (let i = 0; i < symbols.length; i += chunk) this.request(symbols.slice(i, i + chunk), throttleMs);
    }
  }

  private schedule(): void {
    // Subscriptions made in the same turn go out as one request.
    queueMicrotask(() => this.reconcile());
  }

  private throttleOf(slot: Slot): number | undefined {
    const asked = [...slot.subscribers].map((s) => s.throttleMs).filter((ms) => ms !== undefined);
    return asked.length === 0 ? undefined : Math.min(...asked);
  }

  private request(symbols: string[], throttleMs: number | undefined): void {
    const epoch = this.channel.epoch;
    for (const symbol of symbols) {
      const slot = this.slots.get(symbol);
      if (!slot) continue;
      slot.pending = true;
      slot.gap = false;
      if (symbol in this.book) this.setStatus(symbol, 'resyncing');
    }
    const request = throttleMs === undefined ? { symbols } : { symbols, throttleMs };
    this.channel.emit('subscribe', request, (response) => {
      if (epoch !== this.channel.epoch) return;
      if (!refused(response)) return this.accepted(symbols, throttleMs, response);
      const { error } = response;
      if (TRANSIENT.includes(error.code)) {
        // Held back until the pause is over; the slots stay pending so nothing else asks meanwhile.
        this.channel.later(this.transientAttempt++, () => {
          if (epoch !== this.channel.epoch) return;
          for (const symbol of symbols) this.unblock(symbol);
          this.reconcile();
        });
        return;
      }
      // One unknown symbol refuses the whole request: that one fails, the others are asked again.
      const failed = error.code === 'UNKNOWN_SYMBOL' && error.symbols?.length ? error.symbols : symbols;
      for (const symbol of symbols) this.unblock(symbol);
      for (const symbol of failed) {
        const slot = this.slots.get(symbol);
        if (!slot) continue;
        slot.error = new TickerboardError(error.code, error.message, [symbol]);
        this.setStatus(symbol, 'failed');
      }
      this.reconcile();
    });
  }

  /** A request for it was refused: it may be asked again, and a symbol held needs the snapshot it was asked for. */
  private unblock(symbol: string): void {
    const slot = this.slots.get(symbol);
    if (!slot) return;
    slot.pending = false;
    if (slot.held) slot.gap = true;
  }

  private accepted(symbols: readonly string[], throttleMs: number | undefined, ack: Subscribed): void {
    this.transientAttempt = 0;
    for (const symbol of symbols) {
      const slot = this.slots.get(symbol);
      if (!slot) continue;
      slot.pending = false;
      slot.held = true;
      slot.heldThrottleMs = throttleMs;
    }
    const delivered: string[] = [];
    for (const entry of ack.snapshots) {
      const symbol = entry[0];
      if (!this.slots.has(symbol)) continue;
      this.book = applySnapshot(this.book, entry);
      delivered.push(symbol);
      this.setStatus(symbol, 'live');
    }
    this.deliver(delivered);
    // Whatever changed while the request was on its way (a subscription dropped, another throttle) goes now.
    this.reconcile();
  }

  private setStatus(symbol: string, status: SlotStatus): void {
    const slot = this.slots.get(symbol);
    if (!slot || slot.status === status) return;
    slot.status = status;
    if (status !== 'failed') slot.error = undefined;
    for (const subscription of slot.subscribers) subscription.refresh();
  }

  private deliver(symbols: readonly string[]): void {
    if (symbols.length === 0) return;
    const bySubscription = new Map<QuoteSubscription, LiveQuote[]>();
    for (const symbol of symbols) {
      const slot = this.slots.get(symbol);
      const quote = slot && this.quote(symbol);
      if (!slot || !quote) continue;
      for (const subscription of slot.subscribers) {
        const list = bySubscription.get(subscription) ?? [];
        list.push(quote);
        bySubscription.set(subscription, list);
      }
    }
    for (const [subscription, quotes] of bySubscription) subscription.receive({ quotes });
  }
}

/** Worst first: the state of a subscription is that of its least advanced symbol. */
const ORDER: readonly SlotStatus[] = ['failed', 'subscribing', 'stale', 'resyncing', 'live'];

/**
 * A subscription to the quotes of some symbols, from `client.quotes(...)`. Its state is the least advanced of its
 * symbols'; when one symbol is refused for good (unknown, say) the whole subscription fails, naming it.
 */
export class QuoteSubscription extends Subscription<QuoteUpdate> {
  readonly symbols: readonly string[];
  readonly throttleMs: number | undefined;

  constructor(
    private readonly registry: QuoteRegistry,
    symbols: readonly string[],
    throttleMs: number | undefined,
  ) {
    super();
    this.symbols = symbols;
    this.throttleMs = throttleMs;
  }

  /** The current quote of one of its symbols, once it has one. */
  get(symbol: string): LiveQuote | undefined {
    return this.symbols.includes(symbol) ? this.registry.quote(symbol) : undefined;
  }

  /** The current quotes, in the order of `symbols`, of those that have one. */
  all(): LiveQuote[] {
    return this.symbols.map((symbol) => this.registry.quote(symbol)).filter((q) => q !== undefined);
  }

  unsubscribe(): void {
    if (this.ended) return;
    this.setState('unsubscribed');
    this.registry.release(this);
  }

  /** @internal Called by the registry when one of its symbols changed state. */
  refresh(): void {
    const statuses = this.symbols.map((symbol) => this.registry.slotState(symbol));
    const failed = this.symbols.filter((_, i) => statuses[i]?.status === 'failed');
    if (failed.length > 0) {
      const first = statuses.find((s) => s?.status === 'failed')?.error;
      const error = new TickerboardError(first?.code ?? 'INTERNAL', first?.message ?? 'refused', failed);
      this.setState('failed', error);
      this.registry.release(this);
      return;
    }
    let state: SlotStatus = 'live';
    for (const s of statuses) {
      const status = s?.status ?? 'subscribing';
      if (ORDER.indexOf(status) < ORDER.indexOf(state)) state = status;
    }
    this.setState(state);
  }

  /** @internal */
  receive(update: QuoteUpdate): void {
    this.deliver(update);
  }
}
