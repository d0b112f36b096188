import { encode } from 'notepack.io';
import type { Random } from '../../lib/rng';

/**
 * Malformed Socket.IO packets in MessagePack, drawn from a seeded random source: what a hostile client could send
 * to the feed. `fatal` ones must close their connection (the decoder refuses them); the others are refused or
 * ignored with the connection kept. Some need a Socket.IO connection first (`afterConnect`) to reach the server's
 * event handlers at all.
 */
export interface MalformedPacket {
  readonly kind: string;
  readonly bytes: Buffer | string;
  readonly fatal: boolean;
}

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const int = (random: Random, min: number, max: number): number =>
  min + Math.floor(random() * (max - min + 1));
const randomBytes = (random: Random, length: number): Buffer =>
  Buffer.from(Array.from({ length }, () => int(random, 0, 255)));

/** `{type: 2, nsp: "/", data: ["subscribe", <value>]}` up to the value: a bad value then sits inside a real packet. */
const EVENT_PREFIX = Buffer.from(
  '83a474797065' + '02' + 'a36e7370a12f' + 'a464617461' + '92a9737562736372696265',
  'hex',
);

function be(value: number, bytes: 1 | 2 | 4): number[] {
  const out: number[] = [];
  for (let i = bytes - 1; i >= 0; i--) out.push(Math.floor(value / 256 ** i) % 256);
  return out;
}

/** A length header of each MessagePack type with a length field, claiming `claimed`. */
const HEADERS: readonly [string, 1 | 2 | 4, (claimed: number) => number[]][] = [
  ['str8', 1, (n) => [0xd9, ...be(n, 1)]],
  ['str16', 2, (n) => [0xda, ...be(n, 2)]],
  ['str32', 4, (n) => [0xdb, ...be(n, 4)]],
  ['bin8', 1, (n) => [0xc4, ...be(n, 1)]],
  ['bin16', 2, (n) => [0xc5, ...be(n, 2)]],
  ['bin32', 4, (n) => [0xc6, ...be(n, 4)]],
  ['ext8', 1, (n) => [0xc7, ...be(n, 1), 0]],
  ['ext16', 2, (n) => [0xc8, ...be(n, 2), 0]],
  ['ext32', 4, (n) => [0xc9, ...be(n, 4), 0]],
  ['array16', 2, (n) => [0xdc, ...be(n, 2)]],
  ['array32', 4, (n) => [0xdd, ...be(n, 4)]],
  ['map16', 2, (n) => [0xde, ...be(n, 2)]],
  ['map32', 4, (n) => [0xdf, ...be(n, 4)]],
  ['fixstr', 1, (n) => [0xa0 | (n % 32)]],
  ['fixarray', 1, (n) => [0x90 | (n % 16)]],
  ['fixmap', 1, (n) => [0x80 | (n % 16)]],
];

function claim(random: Random, width: 1 | 2 | 4): number {
  const max = 256 ** width - 1;
  return random() < 0.3
    ? max
    : pick(
        random,
        [10_000_000, 1_000_000_000, int(random, 17, max)].filter((n) => n <= max),
      );
}

function lyingHeader(random: Random): MalformedPacket {
  const [name, width, header] = pick(random, HEADERS);
  const claimed = width === 1 && name.startsWith('fix') ? int(random, 8, 15) : claim(random, width);
  const tail = randomBytes(random, int(random, 0, Math.min(6, claimed - 1)));
  const inside = random() < 0.5;
  const bytes = Buffer.concat([inside ? EVENT_PREFIX : Buffer.alloc(0), Buffer.from(header(claimed)), tail]);
  return { kind: `${name} header claiming ${claimed}`, bytes, fatal: true };
}

function nestedHeaders(random: Random): MalformedPacket {
  const depth = int(random, 2, 80);
  const parts: number[] = [];
  for (let i = 0; i < depth; i++) {
    const [, width, header] = pick(
      random,
      HEADERS.filter(([name]) => /array|map/.test(name)),
    );
    parts.push(...header(width === 1 ? int(random, 1, 15) : claim(random, width)));
  }
  return { kind: 'nested length headers', bytes: Buffer.from(parts), fatal: true };
}

function deepNesting(random: Random): MalformedPacket {
  const depth = int(random, 9, 3000);
  const open = random() < 0.5 ? 0x91 : 0x81;
  const body = open === 0x91 ? Array(depth).fill(0x91) : Array(depth).fill([0x81, 0xa1, 0x6b]).flat();
  return {
    kind: 'deep nesting',
    bytes: Buffer.concat([EVENT_PREFIX, Buffer.from([...body, 0xc0])]),
    fatal: true,
  };
}

function validRequest(random: Random): unknown[] {
  return pick(random, [
    ['subscribe', { symbols: ['AAPL', 'BTC-USD'].slice(0, int(random, 1, 2)), throttleMs: 250 }],
    ['unsubscribe', { symbols: ['AAPL'] }],
    ['subscribeCandles', { symbol: 'BTC-USD', interval: '1m', limit: int(random, 1, 50) }],
    ['unsubscribeCandles', { symbol: 'BTC-USD', interval: '1m' }],
  ]);
}

function truncated(random: Random): MalformedPacket {
  const whole = encode({ type: 2, nsp: '/', data: validRequest(random), id: int(random, 0, 1000) });
  return {
    kind: 'truncated packet',
    bytes: whole.subarray(0, int(random, 1, whole.length - 1)),
    fatal: true,
  };
}

function notAPacket(random: Random): MalformedPacket {
  const choices: [string, () => Buffer | string][] = [
    ['random bytes', () => randomBytes(random, int(random, 1, 64))],
    ['text message', () => `2${JSON.stringify(validRequest(random))}`],
    [
      'unknown packet type',
      () => encode({ type: pick(random, [-1, 5, 6, 7, 99, 1.5]), nsp: '/', data: ['x'] }),
    ],
    [
      'binary event with attachment placeholders',
      () =>
        encode({
          type: pick(random, [5, 6]),
          nsp: '/',
          attachments: 1,
          data: ['subscribe', { _placeholder: true, num: 0 }],
          id: 1,
        }),
    ],
    [
      'other namespace',
      () =>
        encode({
          type: pick(random, [0, 2]),
          nsp: pick(random, ['/admin', '', '/x'.repeat(40)]),
          data: ['subscribe', {}],
        }),
    ],
    ['namespace not a string', () => encode({ type: 2, nsp: 7, data: ['subscribe', {}] })],
    ['event data not an array', () => encode({ type: 2, nsp: '/', data: { symbols: ['AAPL'] } })],
    [
      'event name not a string',
      () => encode({ type: 2, nsp: '/', data: [pick(random, [1, null, ['subscribe'], {}])] }),
    ],
    [
      'ack id not an integer',
      () => encode({ type: 2, nsp: '/', data: validRequest(random), id: pick(random, ['1', 1.5, -0.5]) }),
    ],
    ['disconnect with data', () => encode({ type: 1, nsp: '/', data: ['bye'] })],
    [
      '__proto__ key',
      () => {
        const key = Buffer.from('a95f5f70726f746f5f5f', 'hex');
        return Buffer.concat([EVENT_PREFIX, Buffer.from([0x81]), key, encode({ symbols: ['AAPL'] })]);
      },
    ],
    [
      'array over maxArrayLength',
      () => Buffer.concat([EVENT_PREFIX, encode(Array(int(random, 4097, 6000)).fill(0))]),
    ],
    [
      'map over maxMapLength',
      () =>
        Buffer.concat([
          EVENT_PREFIX,
          encode(Object.fromEntries(Array.from({ length: int(random, 1025, 1500) }, (_, i) => [`k${i}`, 0]))),
        ]),
    ],
    ['the unused type byte', () => Buffer.concat([EVENT_PREFIX, Buffer.from([0xc1])])],
    [
      'trailing bytes',
      () =>
        Buffer.concat([
          encode({ type: 2, nsp: '/', data: validRequest(random) }),
          randomBytes(random, int(random, 1, 8)),
        ]),
    ],
  ];
  const [kind, make] = pick(random, choices);
  return { kind, bytes: make(), fatal: true };
}

const RESERVED = [
  'connect',
  'connect_error',
  'disconnect',
  'disconnecting',
  'error',
  'newListener',
  'removeListener',
];

function reservedEvent(random: Random): MalformedPacket {
  const name = pick(random, RESERVED);
  return {
    kind: 'reserved event name',
    bytes: encode({ type: 2, nsp: '/', data: [name, {}], id: 1 }),
    fatal: true,
  };
}

/** Packets the decoder takes and the server refuses (or ignores) with the connection kept. */
export function refusedPacket(random: Random): MalformedPacket {
  const id = int(random, 0, 100_000);
  const choices: [string, () => unknown[]][] = [
    [
      'unknown event',
      () => [
        pick(random, [
          'hello',
          'frame',
          'status',
          'toString',
          '__proto__',
          'constructor',
          'x'.repeat(int(random, 1, 300)),
        ]),
        {},
      ],
    ],
    [
      'prototype key',
      () => {
        const [event, request] = validRequest(random) as [string, object];
        return [event, { ...request, [pick(random, ['constructor', 'prototype'])]: { polluted: true } }];
      },
    ],
    [
      'attachment placeholder in an event',
      () => [validRequest(random)[0], { _placeholder: true, num: int(random, 0, 5) }],
    ],
    [
      'bad request shape',
      () => [
        validRequest(random)[0],
        pick<unknown>(random, [
          null,
          42,
          'AAPL',
          [],
          { symbols: 'AAPL' },
          { symbols: [1, 2] },
          { symbol: 'AAPL', interval: '2m' },
          { symbols: Array(60).fill('AAPL') },
        ]),
      ],
    ],
    [
      'oversized request',
      () => ['subscribe', { symbols: ['AAPL'], junk: 'x'.repeat(int(random, 5000, 30_000)) }],
    ],
    ['no arguments', () => [validRequest(random)[0]]],
  ];
  const [kind, make] = pick(random, choices);
  const ack = random() < 0.8;
  const packet =
    random() < 0.05
      ? { type: 3, nsp: '/', data: [make()], id }
      : { type: 2, nsp: '/', data: make(), ...(ack ? { id } : {}) };
  return { kind: packet.type === 3 ? 'stray ack' : kind, bytes: encode(packet), fatal: false };
}

/** A packet that must close its connection, whether sent before or after Socket.IO's connect. */
export function fatalPacket(random: Random): MalformedPacket {
  const roll = random();
  if (roll < 0.3) return lyingHeader(random);
  if (roll < 0.45) return nestedHeaders(random);
  if (roll < 0.55) return deepNesting(random);
  if (roll < 0.7) return truncated(random);
  if (roll < 0.9) return notAPacket(random);
  return reservedEvent(random);
}

/** Larger than Engine.IO takes (64 KiB): the transport closes the connection before any decoding. */
export function oversizedPacket(random: Random): MalformedPacket {
  return {
    kind: 'over the transport limit',
    bytes: encode({ type: 2, nsp: '/', data: ['subscribe', 'x'.repeat(int(random, 66_000, 90_000))] }),
    fatal: true,
  };
}
