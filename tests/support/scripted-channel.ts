import fc from 'fast-check';
import type { Channel } from '../../client/src/channel';
import type { Instrument } from '../../lib/instrument';
import type { ClientToServerEvents, Limits } from '../../lib/protocol';

/** A request the scripted server has not answered yet, with the connection it came on. */
export interface PendingRequest {
  epoch: number;
  event: keyof ClientToServerEvents;
  payload: unknown;
  ack: (answer: unknown) => void;
}

/** What the scripted server needs of a client library registry (quotes or candles). */
export interface ScriptedRegistry<Entry> {
  frame(entries: readonly Entry[]): void;
  disconnected(): void;
  reconcile(): void;
}

export type AnswerOutcome = 'ok' | 'busy';

/**
 * The server's side of one connection, for a client library registry: it holds requests until the test answers
 * them (in order of arrival), queues frame entries until the test flushes them (maybe dropping one), holds retry
 * pauses until the test runs them, and loses everything on a disconnect. A subclass keeps the market and answers
 * the requests.
 */
export abstract class ScriptedChannel<Entry> implements Channel {
  ready = false;
  epoch = 0;
  pending: PendingRequest[] = [];
  queued: Entry[] = [];
  timers: (() => void)[] = [];
  registry: ScriptedRegistry<Entry> | undefined;

  constructor(readonly limits: Limits) {}

  abstract instrument(symbol: string): Instrument | undefined;

  /** Answers one request of the current connection; held subscriptions are the subclass's to keep. */
  protected abstract respond(request: PendingRequest, outcome: AnswerOutcome): void;

  /** The server forgets what this connection held. */
  protected abstract forget(): void;

  emit(event: keyof ClientToServerEvents, payload: unknown, ack: (answer: never) => void): void {
    this.pending.push({ epoch: this.epoch, event, payload, ack: ack as (answer: unknown) => void });
  }

  later(_attempt: number, retry: () => void): void {
    this.timers.push(retry);
  }

  /** Delivers the queued entries as one frame, without the one at index `drop` (a lost update). */
  flush(drop: number | undefined): void {
    const entries = this.queued.filter((_, i) => i !== drop);
    this.queued = [];
    if (entries.length > 0 && this.ready) this.registry?.frame(entries);
  }

  /** Answers the oldest request of this connection, after the frames queued before it, as a socket would. */
  answer(outcome: AnswerOutcome): void {
    const request = this.pending.shift();
    if (!request || request.epoch !== this.epoch) return;
    this.flush(undefined);
    this.respond(request, outcome);
  }

  /** Ends every retry pause now. */
  runTimers(): void {
    this.timers.splice(0).forEach((run) => run());
  }

  disconnect(): void {
    this.ready = false;
    this.epoch++;
    this.forget();
    this.pending = [];
    this.queued = [];
    this.registry?.disconnected();
  }

  connect(): void {
    this.ready = true;
    this.registry?.reconcile();
  }
}

/** What the connection does, the same for quotes and candles; each test adds its own subscribe and market moves. */
export type ConnectionCommand =
  | { kind: 'unsubscribe'; which: number }
  | { kind: 'flush'; drop: number | undefined }
  | { kind: 'answer'; outcome: AnswerOutcome }
  | { kind: 'timers' | 'disconnect' | 'connect' };

/** The connection's commands with their weights, to go into one `fc.oneof` with a test's own. */
export const connectionCommands: fc.WeightedArbitrary<ConnectionCommand>[] = [
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('unsubscribe' as const), which: fc.nat(20) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('flush' as const),
      drop: fc.option(fc.nat(3), { nil: undefined, freq: 3 }),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('answer' as const),
      outcome: fc.constantFrom('ok' as const, 'ok' as const, 'busy' as const),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'timers' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'disconnect' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'connect' as const }) },
];

const CONNECTION_KINDS: ReadonlySet<string> = new Set([
  'unsubscribe',
  'flush',
  'answer',
  'timers',
  'disconnect',
  'connect',
]);

function isConnectionCommand(step: { kind: string }): step is ConnectionCommand {
  return CONNECTION_KINDS.has(step.kind);
}

/** Plays one connection command; `subs` are the test's subscriptions so far, in order. */
function playConnection(
  server: ScriptedChannel<unknown>,
  subs: readonly { unsubscribe(): void }[],
  step: ConnectionCommand,
): void {
  if (step.kind === 'unsubscribe') subs[step.which % Math.max(1, subs.length)]?.unsubscribe();
  else if (step.kind === 'flush') server.flush(step.drop);
  else if (step.kind === 'answer') server.answer(step.outcome);
  else if (step.kind === 'timers') server.runTimers();
  else if (step.kind === 'disconnect') server.disconnect();
  else if (!server.ready) server.connect();
}

/**
 * Plays `commands`, each in a turn of its own (`own` plays the test's own, and the connection's are played here),
 * then brings everything to rest: connected, every pause over, every request answered, every frame delivered;
 * then `changeAll` changes everything once more, since a dropped update shows only at the next one, and rest again.
 */
export async function playToRest<Own extends { kind: string }>(
  server: ScriptedChannel<unknown>,
  subs: readonly { unsubscribe(): void }[],
  commands: readonly (Own | ConnectionCommand)[],
  own: (step: Own) => void,
  changeAll: () => void,
): Promise<void> {
  for (const step of commands) {
    if (isConnectionCommand(step)) playConnection(server, subs, step);
    else own(step as Own);
    await Promise.resolve();
  }
  if (!server.ready) server.connect();
  await drain(server);
  changeAll();
  server.flush(undefined);
  await drain(server);
}

/**
 * Resolves once every microtask queued so far has run (the registries batch their requests in one): a macrotask
 * runs only after the microtask queue is empty. `setImmediate` rather than `setTimeout(0)`, which is clamped to a
 * millisecond and is later still on a loaded machine, so that the whole property is bound by work, not by timers.
 */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Rounds of answering after which a registry that still asks is taken to ask for ever. */
const QUIESCENCE_ROUNDS = 100;

/**
 * Answers every request and ends every retry pause until nothing more is asked, then delivers what is queued.
 * Throws if the registry is still asking after many rounds: that is a finding, not a reason to go on.
 */
async function drain(server: ScriptedChannel<unknown>): Promise<void> {
  for (let round = 0; ; round++) {
    await settle();
    server.runTimers();
    if (server.pending.length === 0 && server.timers.length === 0) break;
    if (round === QUIESCENCE_ROUNDS) {
      throw new Error(
        `still asking after ${QUIESCENCE_ROUNDS} rounds of answers: ${server.pending.length} pending`,
      );
    }
    while (server.pending.length > 0) server.answer('ok');
  }
  server.flush(undefined);
  await settle();
}
