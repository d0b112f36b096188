import { readFile } from 'node:fs/promises';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { parse } from 'yaml';
import { INTERVALS } from '../../lib/intervals';
import {
  CLIENT_EVENTS,
  SERVER_EVENTS,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '../../lib/protocol';
import { requestSchemas } from '../../server/socket/requests';
import { limitsFor } from '../../server/feed-server';
import { configWith } from '../../server/config';

interface Message {
  name: string;
  payload: { properties: Record<string, unknown> };
}
interface Document {
  asyncapi: string;
  operations: Record<string, { action: 'send' | 'receive'; messages: { $ref: string }[] }>;
  components: { messages: Record<string, Message> };
}

const document = parse(
  await readFile(new URL('../../docs/asyncapi.yaml', import.meta.url), 'utf8'),
) as Document;

/** The message names an operation of `action` carries, following its references. */
function messagesOf(action: 'send' | 'receive'): string[] {
  return Object.values(document.operations)
    .filter((operation) => operation.action === action)
    .flatMap((operation) => operation.messages.map((ref) => ref.$ref.split('/').at(-1) ?? ''))
    .sort();
}

describe('docs/asyncapi.yaml', () => {
  it('is AsyncAPI 3', () => {
    expect(document.asyncapi).toMatch(/^3\./);
  });

  it('lists exactly the events of lib/protocol.ts, each way', () => {
    expectTypeOf<
      Exclude<keyof ClientToServerEvents, (typeof CLIENT_EVENTS)[number]>
    >().toEqualTypeOf<never>();
    expectTypeOf<
      Exclude<keyof ServerToClientEvents, (typeof SERVER_EVENTS)[number]>
    >().toEqualTypeOf<never>();
    expect(messagesOf('receive')).toEqual([...CLIENT_EVENTS].sort());
    expect(messagesOf('send')).toEqual([...SERVER_EVENTS].sort());
    for (const [key, message] of Object.entries(document.components.messages)) expect(message.name).toBe(key);
  });

  it("gives each request the fields the server's schema accepts", () => {
    const schemas = requestSchemas(limitsFor(configWith({})));
    for (const event of CLIENT_EVENTS) {
      const documented = Object.keys(document.components.messages[event]?.payload.properties ?? {}).sort();
      expect(documented, event).toEqual(Object.keys(schemas[event].shape).sort());
      const interval = document.components.messages[event]?.payload.properties.interval as
        { enum: string[] } | undefined;
      if (interval) expect(interval.enum, event).toEqual([...INTERVALS]);
    }
  });
});
