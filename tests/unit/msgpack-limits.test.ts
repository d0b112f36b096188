import { encode } from 'notepack.io';
import { describe, expect, it } from 'vitest';
import { checkMessagePack, MessagePackLimitError, type MessagePackLimits } from '../../lib/msgpack-limits';

const LIMITS: MessagePackLimits = {
  maxBytes: 1024,
  maxDepth: 4,
  maxArrayLength: 20,
  maxMapLength: 5,
  maxStrLength: 100,
  maxBinLength: 100,
};

const hex = (text: string) => Uint8Array.from(Buffer.from(text.replace(/\s/g, ''), 'hex'));

function refusal(bytes: Uint8Array, limits = LIMITS): string {
  try {
    checkMessagePack(bytes, limits);
  } catch (error) {
    if (error instanceof MessagePackLimitError) return error.message;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('a MessagePack value within its limits', () => {
  it.each([
    ['a request packet', { type: 2, nsp: '/', data: ['subscribe', { symbols: ['AAPL', 'MSFT'] }], id: 7 }],
    ['every scalar type', [0, -1, 200, -200, 70_000, -70_000, 2 ** 40, -(2 ** 40), 1.5, true, false, null]],
    ['undefined, a date and binary (notepack.io extensions)', [undefined, new Date(5), Buffer.from([1, 2])]],
    ['empty containers at the depth limit', [[[{}, []]]]],
    ['a string and a binary of exactly the limit', ['x'.repeat(100), Buffer.alloc(100)]],
    ['text beyond ASCII', ['Société Générale', '日本', '€ 5', '🚀']],
  ])('passes: %s', (_, value) => {
    expect(() => checkMessagePack(encode(value), { ...LIMITS, utf8: true })).not.toThrow();
  });
});

describe('a MessagePack value is refused', () => {
  it.each([
    [
      'larger than maxBytes',
      encode('x'.repeat(99)),
      { ...LIMITS, maxBytes: 50 },
      /101 bytes; the limit is 50/,
    ],
    ['nested deeper than maxDepth', encode([[[[[1]]]]]), LIMITS, /nested deeper than 4/],
    ['with an array longer than maxArrayLength', encode(Array(21).fill(0)), LIMITS, /array of 21/],
    [
      'with a map larger than maxMapLength',
      encode({ a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 }),
      LIMITS,
      /map of 6/,
    ],
    ['with a string longer than maxStrLength', encode('x'.repeat(101)), LIMITS, /string of 101/],
    ['with a binary longer than maxBinLength', encode(Buffer.alloc(101)), LIMITS, /binary of 101/],
    ['with an extension longer than maxBinLength', encode(new ArrayBuffer(101)), LIMITS, /extension of 101/],
  ])('%s', (_, bytes, limits, message) => {
    expect(refusal(bytes, limits)).toMatch(message);
  });

  it.each([
    // The two packets of issue 9.
    [
      '60 nested array32 headers claiming 10,000,000 each',
      hex('dd00989680'.repeat(60)),
      /array of 10000000 with 295/,
    ],
    ['an ext32 header claiming 1 GB', hex('c9 3b9aca00 00'), /extension of 1000000000 bytes/],
    // Under every length limit, but claiming more than is there.
    ['an array16 of 3 with 2 bytes left', hex('dc 0003 01 02'), /array of 3 with 2 bytes left/],
    ['a map of 2 entries with 3 bytes left', hex('82 a1 61 01'), /map of 2 with 3 bytes left/],
    ['nested arrays owing more together than remains', hex('92 93 01 02'), /array of 3 with 2 bytes left/],
    ['a str8 of 5 with 2 bytes left', hex('d9 05 61 62'), /string of 5 bytes with 2 left/],
    ['a bin16 header cut short', hex('c5 00'), /truncated/],
    ['a float64 cut short', hex('cb 00 00 00'), /with 3 left/],
    ['a fixext 8 cut short', hex('d7 00 00'), /with 2 left/],
    ['nothing at all', new Uint8Array(0), /truncated/],
    ['the unused type byte 0xc1', hex('c1'), /no MessagePack type/],
    ['bytes after the value', hex('01 02'), /1 bytes after the value/],
    // A 2-byte sequence cut off at the key's end: decoded, it took the value's header in and read as `data`.
    [
      'a key whose UTF-8 is cut off at its end',
      hex('83 a474797065 04 a36e7370 a12f a4646174c1 a15e'),
      /string at byte 14 is not UTF-8/,
    ],
    ['a string with a lone continuation byte', hex('a3 61 80 62'), /not UTF-8/],
    ['a string with a UTF-16 surrogate', hex('a3 eda080'), /not UTF-8/],
  ])('%s', (_, bytes, message) => {
    expect(
      refusal(bytes, {
        ...LIMITS,
        maxArrayLength: 2 ** 32,
        maxBinLength: 2 ** 32,
        maxStrLength: 2 ** 32,
        utf8: true,
      }),
    ).toMatch(message);
  });

  it('whenever it is cut short, at any byte', () => {
    const bytes = encode({
      type: 2,
      nsp: '/',
      data: ['subscribe', { symbols: ['AAPL'], t: 1.5, d: new Date(1) }],
    });
    for (let end = 0; end < bytes.length; end++) {
      expect(refusal(bytes.subarray(0, end)), `cut at ${end}`).toMatch(/truncated|left/);
    }
  });
});
