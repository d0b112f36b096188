import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  acceptFor,
  OP_BINARY,
  OP_CLOSE,
  OP_CONTINUATION,
  OP_PING,
  OP_PONG,
  OP_TEXT,
  ServerStreamParser,
} from '../../bench/load/connection';

/**
 * The bench's WebSocket client reads what servers send with a parser of its own (bench/load/connection.ts). The
 * servers under test rarely fragment, ping or send frames of 64 KB and more, so those are checked here, with
 * every way the bytes can be cut into reads.
 */
const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
// RFC 6455, 1.3: the example key and the answer the RFC gives for it.
const ACCEPT = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=';

function answer(accept = ACCEPT, status = '101 Switching Protocols'): Buffer {
  return Buffer.from(
    `HTTP/1.1 ${status}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    'latin1',
  );
}

/** A server's frame: unmasked, as RFC 6455 asks. */
function frame(opcode: number, payload: Buffer | string, fin = true): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const length = body.length;
  const header = Buffer.alloc(length < 126 ? 2 : length < 0x10000 ? 4 : 10);
  header[0] = (fin ? 0x80 : 0) | opcode;
  if (length < 126) header[1] = length;
  else if (length < 0x10000) {
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else {
    header[1] = 127;
    header.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    header.writeUInt32BE(length >>> 0, 6);
  }
  return Buffer.concat([header, body]);
}

/** Everything the parser reports, in order, payloads as hex so that equal bytes compare equal. */
function parse(chunks: readonly Buffer[]): string[] {
  const seen: string[] = [];
  const parser = new ServerStreamParser(ACCEPT, {
    open: () => seen.push('open'),
    message: (opcode, payload) =>
      seen.push(`${opcode === OP_TEXT ? 'text' : 'binary'} ${payload.toString('hex')}`),
    ping: (payload) => seen.push(`ping ${payload.toString('hex')}`),
    close: (payload) => seen.push(`close ${payload.toString('hex')}`),
    fail: (reason) => seen.push(`fail ${reason}`),
  });
  for (const chunk of chunks) parser.push(chunk);
  return seen;
}

/** `bytes` cut at `cuts` (sorted offsets). */
function cut(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [0, ...cuts, bytes.length];
  return points.slice(1).map((end, i) => bytes.subarray(points[i], end));
}

const medium = Buffer.alloc(300, 7);
const large = Buffer.alloc(70_000, 9);
const stream = Buffer.concat([
  answer(),
  frame(OP_TEXT, '0{"sid":"abc"}'),
  frame(OP_BINARY, medium),
  frame(OP_TEXT, 'frag', false),
  frame(OP_PING, 'p'),
  frame(OP_CONTINUATION, 'men', false),
  frame(OP_PONG, ''),
  frame(OP_CONTINUATION, 'ted'),
  frame(OP_BINARY, large),
  frame(OP_TEXT, ''),
  frame(OP_CLOSE, Buffer.from([0x03, 0xe8])),
  frame(OP_TEXT, 'after the close'),
]);
const expected = [
  'open',
  `text ${Buffer.from('0{"sid":"abc"}').toString('hex')}`,
  `binary ${medium.toString('hex')}`,
  `ping ${Buffer.from('p').toString('hex')}`,
  `text ${Buffer.from('fragmented').toString('hex')}`,
  `binary ${large.toString('hex')}`,
  'text ',
  'close 03e8',
];

describe("the load generator's WebSocket reader", () => {
  it('computes the accept value of RFC 6455', () => {
    expect(acceptFor(KEY)).toBe(ACCEPT);
  });

  it('reads the answer and every kind of frame in one read', () => {
    expect(parse([stream])).toEqual(expected);
  });

  it('reads the same whatever the reads are cut at: every offset around the small frames', () => {
    const smallEnd = stream.length - large.length - 30;
    for (let at = 1; at < smallEnd; at++) {
      if (at > 400 && at < smallEnd - 100) continue;
      expect(parse(cut(stream, [at])), `cut at ${at}`).toEqual(expected);
    }
    for (let at = stream.length - 60; at < stream.length; at++) {
      expect(parse(cut(stream, [at])), `cut at ${at}`).toEqual(expected);
    }
  });

  it('reads the same whatever the reads are cut at: random cuts', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 40 }),
        (cuts) => {
          expect(
            parse(
              cut(
                stream,
                [...cuts].sort((a, b) => a - b),
              ),
            ),
          ).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reads one byte at a time', () => {
    const small = Buffer.concat([answer(), frame(OP_TEXT, 'a'), frame(OP_BINARY, medium)]);
    const bytes = [...small].map((byte) => Buffer.from([byte]));
    expect(parse(bytes)).toEqual(['open', 'text 61', `binary ${medium.toString('hex')}`]);
  });

  it('refuses an answer that is not a 101 with the right accept value', () => {
    expect(parse([answer(ACCEPT, '400 Bad Request')])).toEqual([
      'fail upgrade refused: HTTP/1.1 400 Bad Request',
    ]);
    expect(parse([answer('d3Jvbmc=')])).toEqual(['fail upgrade refused: HTTP/1.1 101 Switching Protocols']);
  });

  it('stops at a protocol error, as soon as the frame header shows it', () => {
    const masked = Buffer.from([0x82, 0x80 | 100]); // a masked frame whose payload has not arrived
    expect(parse([answer(), masked])).toEqual(['open', 'fail masked frame from the server']);
    const reserved = Buffer.from([0x80 | 0x40 | OP_TEXT, 0]);
    expect(parse([answer(), reserved])).toEqual(['open', 'fail reserved bits set']);
    expect(parse([answer(), frame(OP_CONTINUATION, 'x')])).toEqual([
      'open',
      'fail a continuation with no message to continue',
    ]);
    expect(parse([answer(), frame(OP_TEXT, 'a', false), frame(OP_TEXT, 'b')])).toEqual([
      'open',
      'fail a new message inside a fragmented one',
    ]);
    expect(parse([answer(), frame(OP_PING, 'p', false)])).toEqual([
      'open',
      'fail a fragmented or long control frame',
    ]);
    expect(parse([answer(), frame(OP_PING, Buffer.alloc(126))])).toEqual([
      'open',
      'fail a fragmented or long control frame',
    ]);
    expect(parse([answer(), frame(0x3, 'x'), frame(OP_TEXT, 'never read')])).toEqual([
      'open',
      'fail unknown opcode 3',
    ]);
  });
});
