import type { ChildProcess } from 'node:child_process';

/** Each command a child serves: what it is sent and what it answers. */
export type Commands<C> = { [K in keyof C]: { request: unknown; reply: unknown } };

interface RequestMessage {
  id: number;
  command: string;
  payload: unknown;
}

type ReplyMessage = { id: number; ok: true; payload: unknown } | { id: number; ok: false; error: string };

/**
 * The parent's end of a child's IPC channel: typed request/reply calls, each with a deadline, all failing at once
 * when the child exits.
 */
export class Remote<C extends Commands<C>> {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  private exited: string | undefined;

  constructor(
    private readonly child: ChildProcess,
    private readonly name: string,
  ) {
    child.on('message', (message: ReplyMessage) => {
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      if (message.ok) waiting.resolve(message.payload);
      else waiting.reject(new Error(`${name}: ${message.error}`));
    });
    child.on('exit', (code, signal) => {
      this.exited = `${name} exited (${signal ?? `code ${code}`})`;
      for (const waiting of this.pending.values()) waiting.reject(new Error(this.exited));
      this.pending.clear();
    });
  }

  call<K extends keyof C & string>(
    command: K,
    payload: C[K]['request'],
    timeoutMs: number,
  ): Promise<C[K]['reply']> {
    if (this.exited) return Promise.reject(new Error(this.exited));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: no answer to ${command} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as C[K]['reply']);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.child.send({ id, command, payload } satisfies RequestMessage);
    });
  }
}

export type Handlers<C extends Commands<C>> = {
  [K in keyof C]: (payload: C[K]['request']) => C[K]['reply'] | Promise<C[K]['reply']>;
};

/**
 * The child's end: answers each command with its handler's result or its error. The child exits when the
 * parent goes away, so an interrupted run leaves nothing behind.
 */
export function serve<C extends Commands<C>>(handlers: Handlers<C>): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error('bench children are started by bench/run.ts (they need an IPC channel)');
  process.on('message', (message: RequestMessage) => {
    const handler = Object.hasOwn(handlers, message.command)
      ? ((handlers as Record<string, unknown>)[message.command] as (payload: unknown) => unknown)
      : undefined;
    const reply = (answer: ReplyMessage): void => {
      send(answer);
    };
    if (!handler) {
      reply({ id: message.id, ok: false, error: `unknown command ${message.command}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(message.payload))
      .then(
        (payload) => reply({ id: message.id, ok: true, payload }),
        (error: unknown) =>
          reply({
            id: message.id,
            ok: false,
            error: error instanceof Error ? (error.stack ?? error.message) : String(error),
          }),
      );
  });
  process.on('disconnect', () => process.exit(1));
}
