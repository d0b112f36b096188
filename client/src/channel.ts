import type { Instrument } from '../../lib/instrument';
import type { ClientToServerEvents, ErrorCode, Limits, Refused } from '../../lib/protocol';
import type { TickerboardError } from './errors';

/** What the subscription registries need of the connection; the client implements it. */
export interface Channel {
  /** Connected to a server of this protocol version, instruments known: requests may go. */
  readonly ready: boolean;
  /** Grows with every connection lost: an acknowledgement of an older epoch is for a connection gone. */
  readonly epoch: number;
  readonly limits: Limits | undefined;
  instrument(symbol: string): Instrument | undefined;
  emit<E extends keyof ClientToServerEvents>(event: E, ...args: Parameters<ClientToServerEvents[E]>): void;
  /** Runs `retry` after a pause that doubles with `attempt`; the client cancels it when closed. */
  later(attempt: number, retry: () => void): void;
}

/** Refusals that mean "not now" rather than "never": the request is asked again after a pause. */
export const TRANSIENT: readonly ErrorCode[] = ['RATE_LIMITED', 'SLOW_CONSUMER'];

export function refused(response: object): response is Refused {
  return 'ok' in response && response.ok === false;
}

/** Subscribers of one key, told when the key's state or data changes. */
export interface KeyListener<K> {
  keyChanged(key: K, error?: TickerboardError): void;
}
