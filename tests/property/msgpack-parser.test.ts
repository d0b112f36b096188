import fc from 'fast-check';
import { encode } from 'notepack.io';
import * as msgpackParser from 'socket.io-msgpack-parser';
import { describe, expect, it } from 'vitest';
import { CLIENT_PACKET_LIMITS, clientParser, createParser, type Packet } from '../../lib/msgpack-parser';
import { serverParser } from '../../server/socket/packet-parser';

/**
 * The parser must be socket.io-msgpack-parser on the wire: the same bytes out for every packet, the same values in
 * for every packet that parser's peers send, and never more allocation than the bytes present.
 */

/** Values as Socket.IO applications send them: JSON-like, with integers of every width, floats and undefined. */
const key = fc.string({ maxLength: 12 }).filter((k) => k !== '__proto__');
const leaf = fc.oneof(
  fc.integer(),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).map((n) => n * 3),
  fc.maxSafeInteger(),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.string({ maxLength: 40 }),
  fc.string({ minLength: 32, maxLength: 300 }),
);
const value = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', maxDepth: 3 }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 20 }),
  object: fc.dictionary(key, tie('value'), { maxKeys: 8 }),
})).value;
const packet: fc.Arbitrary<Packet> = fc.oneof(
  fc.tuple(fc.array(value, { maxLength: 3 }), fc.option(fc.nat(), { nil: undefined })).map(([args, id]) => ({
    type: 2,
    nsp: '/',
    data: ['event', ...args],
    ...(id === undefined ? {} : { id }),
  })),
  fc.record({
    type: fc.constant(3),
    nsp: fc.constant('/'),
    data: fc.array(value, { maxLength: 3 }),
    id: fc.nat(),
  }),
  fc.record({ type: fc.constant(0), nsp: fc.constant('/'), data: fc.dictionary(key, value, { maxKeys: 4 }) }),
  fc.record({ type: fc.constant(1), nsp: fc.constant('/') }),
  fc.record({ type: fc.constant(4), nsp: fc.constant('/'), data: fc.string() }),
);

function decodeWith(
  Decoder: new () => { add(data: unknown): void; on(e: 'decoded', l: (p: unknown) => void): unknown },
  bytes: unknown,
): unknown {
  const decoder = new Decoder();
  let decoded: unknown;
  decoder.on('decoded', (p) => (decoded = p));
  decoder.add(bytes);
  return decoded;
}

/** Whether a decoded value holds a string that was not UTF-8 (decoders differ in how they replace such bytes). */
function hasInvalidText(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\uFFFD');
  if (Array.isArray(value)) return value.some(hasInvalidText);
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    return Object.entries(value).some(([k, v]) => k.includes('\uFFFD') || hasInvalidText(v));
  }
  return false;
}

describe('the MessagePack parser', () => {
  it('encodes every packet byte for byte as socket.io-msgpack-parser does', () => {
    const ours = new clientParser.Encoder();
    const theirs = new msgpackParser.Encoder();
    fc.assert(
      fc.property(packet, (p) => {
        const [a] = ours.encode(p) as [Uint8Array];
        const [b] = theirs.encode(p) as unknown as [Uint8Array];
        expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('decodes what socket.io-msgpack-parser sends into the values it would decode', () => {
    const theirs = new msgpackParser.Encoder();
    fc.assert(
      fc.property(packet, (p) => {
        const [bytes] = theirs.encode(p) as unknown as [Buffer];
        const expected = decodeWith(msgpackParser.Decoder as never, bytes);
        expect(decodeWith(clientParser.Decoder, bytes)).toEqual(expected);
        expect(decodeWith(serverParser.Decoder, bytes)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('decodes notepack.io extensions (undefined, Date, ArrayBuffer, typed pairs) as notepack.io does', () => {
    const data = [undefined, new Date(1_795_000_000_123), new Uint8Array([1, 2, 3]).buffer];
    const bytes = encode({ type: 2, nsp: '/', data: ['event', ...data] });
    expect(decodeWith(clientParser.Decoder, bytes)).toEqual(
      decodeWith(msgpackParser.Decoder as never, bytes),
    );
    const pair = decodeWith(
      clientParser.Decoder,
      Buffer.from('83a474797065 02a36e7370a12fa464617461 92a16ad50501 02'.replace(/ /g, ''), 'hex'),
    );
    const [, [type, content]] = (pair as { data: [string, [number, Uint8Array]] }).data;
    expect([type, [...content]]).toEqual([5, [1, 2]]);
  });

  it('either decodes any bytes as socket.io-msgpack-parser does or refuses them, never with more than an Error', () => {
    const theirs = new msgpackParser.Encoder();
    const mutated = fc
      .tuple(
        packet,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
      )
      .map(([p, edits]) => {
        const [bytes] = theirs.encode(p) as unknown as [Buffer];
        const copy = Buffer.from(bytes);
        for (const [at, byte] of edits) copy[at % copy.length] = byte;
        return copy;
      });
    fc.assert(
      fc.property(
        fc.oneof(
          mutated,
          fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
        ),
        (bytes) => {
          let ours: unknown;
          try {
            ours = decodeWith(clientParser.Decoder, bytes);
          } catch (error) {
            expect(error).toBeInstanceOf(Error);
            return;
          }
          // What we accept, the reference parser reads the same way (it accepts more: claims it cannot back), but
          // for strings that are not UTF-8.
          const reference = decodeWith(msgpackParser.Decoder as never, bytes);
          if (!hasInvalidText(reference)) expect(ours).toEqual(reference);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['a text message', '2["subscribe",{}]'],
    ['a packet for another namespace', encode({ type: 0, nsp: '/admin' })],
    ['an event named disconnect', encode({ type: 2, nsp: '/', data: ['disconnect'] })],
    ['an event named error', encode({ type: 2, nsp: '/', data: ['error', 'boom'] })],
    ['an event whose name is a number', encode({ type: 2, nsp: '/', data: [7] })],
    [
      'a binary event (type 5) with an attachment placeholder',
      encode({ type: 5, nsp: '/', data: ['x', { _placeholder: true, num: 0 }] }),
    ],
    [
      'a map key __proto__',
      Buffer.from(
        '83a474797065 02a36e7370a12fa464617461 92a178 81a95f5f70726f746f5f5f 80'.replace(/ /g, ''),
        'hex',
      ),
    ],
  ])('on the server refuses %s', (_, bytes) => {
    expect(() => decodeWith(serverParser.Decoder, bytes)).toThrow(Error);
  });

  it('bounds what it allocates by the bytes present, whatever the headers claim', () => {
    const decoder = new (createParser({ limits: CLIENT_PACKET_LIMITS }).Decoder)();
    for (const bytes of [
      'dd00989680'.repeat(60),
      'c93b9aca0000',
      'dc ffff'.replace(' ', '') + '00'.repeat(100),
    ]) {
      expect(() => decoder.add(Buffer.from(bytes, 'hex'))).toThrow(/MessagePack refused/);
    }
  });
});
