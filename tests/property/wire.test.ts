import fc from 'fast-check';
import { encode } from 'notepack.io';
import { Decoder } from 'socket.io-msgpack-parser';
import { describe, expect, it } from 'vitest';
import { INTERVALS } from '../../lib/intervals';
import type { BarTuple, CandleEntry, Frame, QuoteEntry } from '../../lib/protocol';
import * as ws from 'ws';
import { encodeEntry, frameMessage, packetOf } from '../../server/fanout/wire';

const int = fc.oneof(
  fc.integer({ min: -40, max: 200 }),
  fc.integer({ min: -3_000_000_000, max: 3_000_000_000 }),
  fc.maxSafeInteger(),
);
const symbol = fc.string({ minLength: 1, maxLength: 40 });
const quoteEntry: fc.Arbitrary<QuoteEntry> = fc
  .tuple(symbol, fc.nat(), fc.nat({ max: 511 }), fc.array(int, { maxLength: 9 }))
  .map(([s, seq, mask, values]) => [s, seq, mask, ...values]);
const bar: fc.Arbitrary<BarTuple> = fc.tuple(fc.nat(), int, int, int, int, fc.nat());
const candleEntry: fc.Arbitrary<CandleEntry> = fc.oneof(
  fc
    .tuple(symbol, fc.constantFrom(...INTERVALS), fc.nat(), fc.array(bar, { maxLength: 20 }))
    .map((entry): CandleEntry => entry),
  fc
    .tuple(symbol, fc.constantFrom(...INTERVALS), fc.nat(), fc.array(bar, { maxLength: 20 }))
    .map(([s, interval, seq, bars]): CandleEntry => [s, interval, seq, bars, 1]),
);
// Up to 70 000 entries crosses both array header sizes (16 and 65 536).
const entries = <T>(entry: fc.Arbitrary<T>) =>
  fc.oneof(
    fc.array(entry, { maxLength: 20 }),
    fc.integer({ min: 15, max: 70_000 }).chain((n) => fc.array(entry, { minLength: n, maxLength: n })),
  );
const time = fc.oneof(fc.nat(), fc.integer({ min: 1_700_000_000_000, max: 2_000_000_000_000 }));

/** Decodes a packet as a Socket.IO server or client with the MessagePack parser does. */
function decodePacket(packet: Buffer): unknown {
  const decoder = new Decoder();
  let decoded: unknown;
  decoder.on('decoded', (value) => (decoded = value));
  decoder.add(packet);
  return decoded;
}

/** ws's framing, public in ws but not in its type definitions. */
const { Sender } = ws as unknown as {
  Sender: { frame(data: Buffer, options: Record<string, boolean | number>): Buffer[] };
};

/** The header `ws` itself puts before a server's binary message (final, unmasked). */
function webSocketHeader(payload: Buffer): Buffer {
  const [header] = Sender.frame(payload, {
    fin: true,
    opcode: 2,
    mask: false,
    readOnly: true,
    rsv1: false,
  });
  return header as Buffer;
}

describe('frame messages', () => {
  // Keys in the order Socket.IO's emit builds them: `{ type, data }`, then `nsp` (transports.test.ts compares with
  // a real emit).
  it('are byte for byte what the MessagePack parser encodes for emit("frame", frame)', () => {
    fc.assert(
      fc.property(
        time,
        fc.array(quoteEntry, { maxLength: 40 }),
        fc.array(candleEntry, { maxLength: 5 }),
        (t, quotes, candles) => {
          const frame: Frame = { t };
          if (quotes.length > 0) frame.q = quotes;
          if (candles.length > 0) frame.c = candles;
          const packet = packetOf(frameMessage(t, quotes.map(encodeEntry), candles.map(encodeEntry)));
          expect(packet.equals(encode({ type: 2, data: ['frame', frame], nsp: '/' }))).toBe(true);
          expect(decodePacket(packet)).toEqual({ type: 2, nsp: '/', data: ['frame', frame] });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('start with the WebSocket header ws would write, for payloads of every header size', () => {
    for (const quotes of [1, 9, 12, 2000, 9000]) {
      const entries = Array.from({ length: quotes }, (_, i) => encodeEntry([`S${i}`, i, 0]));
      const message = frameMessage(1_795_000_000_000, entries, []);
      const packet = packetOf(message);
      expect(message.subarray(0, message.length - packet.length)).toEqual(webSocketHeader(packet));
    }
    const sizes = [1, 9, 12, 2000, 9000].map(
      (n) =>
        packetOf(
          frameMessage(
            1,
            Array.from({ length: n }, (_, i) => encodeEntry([`S${i}`, i, 0])),
            [],
          ),
        ).length,
    );
    // Payloads on both sides of 126 and of 65,536 bytes: 2-, 4- and 10-byte headers.
    expect(sizes.some((n) => n < 126)).toBe(true);
    expect(sizes.some((n) => n >= 126 && n < 65_536)).toBe(true);
    expect(sizes.some((n) => n >= 65_536)).toBe(true);
  });

  it('carry long lists, whose MessagePack array headers take 3 bytes from 16 entries', () => {
    fc.assert(
      fc.property(time, entries(quoteEntry), (t, quotes) => {
        const message = frameMessage(t, quotes.map(encodeEntry), []);
        const packet = packetOf(message);
        expect(message.subarray(0, message.length - packet.length)).toEqual(webSocketHeader(packet));
        const decoded = decodePacket(packet) as { data: [string, Frame] };
        expect(decoded.data[1].q ?? []).toEqual(quotes);
      }),
      { numRuns: 10 },
    );
  });

  it('build each frame from the entries as encoded, so frames of one flush share them', () => {
    const entry = encodeEntry(['AAPL', 7, 0b110, 1, -1]);
    const copy = Buffer.from(entry);
    const first = packetOf(frameMessage(1, [entry], []));
    const second = packetOf(frameMessage(1, [entry, entry], []));
    expect(entry.equals(copy)).toBe(true);
    const tail = encode({ nsp: '/' }).subarray(1); // the last key and its value, without the map's header
    expect(first.subarray(first.length - tail.length - entry.length, first.length - tail.length)).toEqual(
      entry,
    );
    expect((decodePacket(second) as { data: [string, Frame] }).data[1].q).toEqual([
      ['AAPL', 7, 6, 1, -1],
      ['AAPL', 7, 6, 1, -1],
    ]);
  });
});
