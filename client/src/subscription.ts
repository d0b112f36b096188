import { Emitter } from './emitter';
import { TickerboardError } from './errors';

/**
 * - `subscribing`: asked for (or waiting for the connection to ask), no data yet;
 * - `live`: the data is current and updates arrive;
 * - `resyncing`: an update was missed or the connection came back: the data is held while a fresh snapshot is
 *   on its way;
 * - `stale`: the connection is down; the data is held as it was last seen;
 * - `failed`: refused for good (see `error`); nothing more arrives;
 * - `unsubscribed`: `unsubscribe()` was called.
 */
export type SubscriptionState = 'subscribing' | 'live' | 'resyncing' | 'stale' | 'failed' | 'unsubscribed';

export interface StateChange<S> {
  state: S;
  previous: S;
}

export interface SubscriptionEvents<U> {
  [event: string]: unknown;
  state: StateChange<SubscriptionState>;
  update: U;
  error: TickerboardError;
}

const ENDED: readonly SubscriptionState[] = ['failed', 'unsubscribed'];

/**
 * The state machine and delivery of a subscription: `on('update')`, `on('state')`, `ready()` and an async
 * iterator of updates (ending when unsubscribed, throwing when failed).
 */
export abstract class Subscription<U> extends Emitter<SubscriptionEvents<U>> implements AsyncIterable<U> {
  private current: SubscriptionState = 'subscribing';
  private failure: TickerboardError | undefined;
  private readonly iterators = new Set<{ queue: U[]; wake: (() => void) | undefined }>();

  get state(): SubscriptionState {
    return this.current;
  }

  /** Why the subscription failed, once it has. */
  get error(): TickerboardError | undefined {
    return this.failure;
  }

  get ended(): boolean {
    return ENDED.includes(this.current);
  }

  /** Stops the updates and releases what the server holds for this subscription (if nothing else wants it). */
  abstract unsubscribe(): void;

  /** Resolves once live; rejects when the subscription fails or is unsubscribed first. */
  ready(): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (this.current === 'live') resolve();
        else if (this.ended) reject(this.failure ?? new TickerboardError('CLOSED', 'unsubscribed'));
        else return false;
        return true;
      };
      if (check()) return;
      const stop = this.on('state', () => {
        if (check()) stop();
      });
    });
  }

  async *[Symbol.asyncIterator](): AsyncIterator<U> {
    const reader: { queue: U[]; wake: (() => void) | undefined } = { queue: [], wake: undefined };
    this.iterators.add(reader);
    try {
      for (;;) {
        const next = reader.queue.shift();
        if (next !== undefined) {
          yield next;
          continue;
        }
        if (this.current === 'failed') throw this.failure;
        if (this.current === 'unsubscribed') return;
        await new Promise<void>((resolve) => (reader.wake = resolve));
        reader.wake = undefined;
      }
    } finally {
      this.iterators.delete(reader);
    }
  }

  protected setState(state: SubscriptionState, error?: TickerboardError): void {
    if (this.ended || state === this.current) return;
    const previous = this.current;
    this.current = state;
    if (error) this.failure = error;
    this.emit('state', { state, previous });
    if (error) this.emit('error', error);
    if (this.ended) {
      for (const reader of this.iterators) reader.wake?.();
      this.removeAllListeners();
    }
  }

  protected deliver(update: U): void {
    if (this.ended) return;
    this.emit('update', update);
    for (const reader of this.iterators) {
      reader.queue.push(update);
      reader.wake?.();
    }
  }
}
