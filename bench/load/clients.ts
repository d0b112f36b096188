/**
 * One client of each server under test, all with the same shape: connect, subscribe, keep a mirror of the
 * quotes from the snapshots and updates, and record every update's latency.
 */
import type { Frame, Refused, Subscribed } from '../../lib/protocol';
import { QUOTE_FIELDS } from '../../lib/quote';
import type { ServerKind } from '../servers/bench-server';
import type { LimitFrame, LimitSnapshots } from '../servers/limit';
import type { NaiveSubscribed, NaiveTick } from '../servers/naive';
import { Connection } from './connection';
import { BookMirror, DeltaMirror, LatestMirror, type Mirror } from './mirror';
import type { Recorder } from './recorder';
import { SocketIoClient } from './socket-io-client';

export interface LoadClient {
  readonly symbols: readonly string[];
  readonly mirror: Mirror;
  readonly connection: Connection;
  /** Resolves once connected, subscribed and holding every snapshot. */
  readonly ready: Promise<void>;
}

export interface ClientOptions {
  port: number;
  symbols: readonly string[];
  recorder: Recorder;
  /** Keep the state with the browser's own reducers (slower) rather than in place. */
  browserReducer: boolean;
}

/** O: the documented protocol (docs/protocol.md), resyncing a symbol after a gap as the browser does. */
function oursClient({ port, symbols, recorder, browserReducer }: ClientOptions): LoadClient {
  const mirror = browserReducer ? new BookMirror() : new DeltaMirror();
  let resyncing = false;

  /** Subscribes; the snapshots are in the mirror before the next frame is read. */
  const subscribe = (wanted: readonly string[]): Promise<void> =>
    new Promise((resolve, reject) => {
      socket.emit('subscribe', { symbols: wanted }, (response) => {
        const ack = response as Subscribed | Refused;
        if (!ack.ok) return reject(new Error(`subscribe refused: ${ack.error.code} ${ack.error.message}`));
        for (const snapshot of ack.snapshots) mirror.snapshot(snapshot);
        resolve();
      });
    });

  const onEvent = (name: string, args: unknown[], receivedAt: number): void => {
    if (name !== 'frame') return;
    const quotes = (args[0] as Frame).q ?? [];
    mirror.frame(quotes, (tickTime) => recorder.update(receivedAt, tickTime));
    recorder.frame(quotes.length);
    if (mirror.stale.size > 0 && !resyncing) {
      resyncing = true;
      subscribe([...mirror.stale]).then(
        () => (resyncing = false),
        () => (resyncing = false),
      );
    }
  };

  const socket = new SocketIoClient(port, onEvent, 'msgpack');
  return {
    symbols,
    mirror,
    connection: socket.connection,
    ready: socket.connected.then(() => subscribe(symbols)),
  };
}

/** N: a socket.io room per symbol and a named-field tick per change. */
function naiveClient({ port, symbols, recorder }: ClientOptions): LoadClient {
  const mirror = new LatestMirror();
  const hold = (tick: NaiveTick): number =>
    mirror.replace(
      tick.symbol,
      QUOTE_FIELDS.map((field) => tick[field]),
      0,
    );

  const socket = new SocketIoClient(port, (name, args, receivedAt) => {
    if (name !== 'tick') return;
    recorder.update(receivedAt, hold(args[0] as NaiveTick));
    recorder.frame(1);
  });
  return {
    symbols,
    mirror,
    connection: socket.connection,
    ready: socket.connected.then(
      () =>
        new Promise<void>((resolve) => {
          socket.emit('subscribe', { symbols }, (ack) => {
            for (const tick of (ack as NaiveSubscribed).snapshots) hold(tick);
            resolve();
          });
        }),
    ),
  };
}

/** L: plain WebSocket, whole-state entries `[symbol, seq, ...values]`. */
function limitClient({ port, symbols, recorder }: ClientOptions): LoadClient {
  const mirror = new LatestMirror();
  let subscribed: () => void = () => {};
  const connection = new Connection(`ws://127.0.0.1:${port}/`, (text, receivedAt) => {
    const message = JSON.parse(String(text)) as LimitFrame | LimitSnapshots;
    if ('snapshots' in message) {
      for (const entry of message.snapshots) mirror.replace(entry[0], entry, 2);
      subscribed();
      return;
    }
    for (const entry of message.q) recorder.update(receivedAt, mirror.replace(entry[0], entry, 2));
    recorder.frame(message.q.length);
  });
  return {
    symbols,
    mirror,
    connection,
    ready: connection.opened.then(
      () =>
        new Promise<void>((resolve) => {
          subscribed = resolve;
          connection.send(JSON.stringify({ subscribe: symbols }));
        }),
    ),
  };
}

export const CLIENTS: Record<ServerKind, (options: ClientOptions) => LoadClient> = {
  L: limitClient,
  N: naiveClient,
  O: oursClient,
};
