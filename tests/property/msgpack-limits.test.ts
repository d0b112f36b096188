import { Decoder, DecodeError } from '@msgpack/msgpack';
import fc from 'fast-check';
import { encode } from 'notepack.io';
import { describe, expect, it } from 'vitest';
import { checkMessagePack, MessagePackLimitError, type MessagePackLimits } from '../../lib/msgpack-limits';

/** Limits small enough that the reference decoder's allocations stay small whatever a header claims. */
const LIMITS: MessagePackLimits = {
  maxBytes: 4096,
  maxDepth: 1000,
  maxArrayLength: 64,
  maxMapLength: 64,
  maxStrLength: 64,
  maxBinLength: 64,
};
const reference = new Decoder({
  maxArrayLength: LIMITS.maxArrayLength,
  maxMapLength: LIMITS.maxMapLength,
  maxStrLength: LIMITS.maxStrLength,
  maxBinLength: LIMITS.maxBinLength,
  maxExtLength: LIMITS.maxBinLength,
  // Any key and any extension: what is checked here is the structure, not which keys or extension payloads (a
  // timestamp's size) a decoder takes.
  mapKeyConverter: (key) => (typeof key === 'number' ? key : String(key)),
  extensionCodec: { tryToEncode: () => null, decode: (data, type) => [type, data] },
});

function walks(bytes: Uint8Array): boolean {
  try {
    checkMessagePack(bytes, LIMITS);
    return true;
  } catch (error) {
    if (error instanceof MessagePackLimitError) return false;
    throw error;
  }
}

function decodes(bytes: Uint8Array): boolean {
  try {
    reference.decode(bytes);
    return true;
  } catch (error) {
    // The key __proto__ is refused for what it is, not for the structure.
    if (error instanceof DecodeError && /__proto__/.test(error.message)) return true;
    if (error instanceof DecodeError || error instanceof RangeError) return false;
    throw error;
  }
}

/** Around each limit (64), where an off-by-one would show. */
const nearLimit = fc.integer({ min: 60, max: 68 });
const nested = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    fc.integer(),
    fc.double(),
    fc.constant(undefined),
    fc.string({ maxLength: 8 }),
    nearLimit.map((n) => 'x'.repeat(n)),
    nearLimit.map((n) => Buffer.alloc(n)),
    fc.array(tie('value'), { maxLength: 8 }),
    nearLimit.map((n) => Array<number>(n).fill(1)),
    fc.dictionary(fc.string({ maxLength: 5 }), tie('value'), { maxKeys: 8 }),
    nearLimit.map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]))),
  ),
})).value;

describe('the MessagePack walk', () => {
  it('accepts exactly what @msgpack/msgpack decodes under the same limits, for any bytes', () => {
    const mutated = fc
      .tuple(
        nested,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
        fc.nat(),
      )
      .map(([value, edits, cut]) => {
        const bytes = Buffer.from(encode(value));
        for (const [at, byte] of edits) bytes[at % bytes.length] = byte;
        return edits.length === 0 && cut % 4 === 0 ? bytes.subarray(0, cut % (bytes.length + 1)) : bytes;
      });
    fc.assert(
      fc.property(fc.oneof(mutated, fc.uint8Array({ maxLength: 48 })), (bytes) => {
        expect(walks(bytes)).toBe(decodes(bytes));
      }),
      { numRuns: 5000 },
    );
  });
});
