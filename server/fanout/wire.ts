import { encode } from 'notepack.io';
import type { CandleEntry, QuoteEntry } from '../../lib/protocol';

/**
 * Frames on the wire: Socket.IO event packets in MessagePack, as the `socket.io-msgpack-parser` the server and
 * its clients use would encode `socket.emit('frame', frame)`, byte for byte (a test compares them with a real
 * emit), each built already inside the WebSocket message that carries it.
 *
 * The fan-out encodes each entry once per flush and builds every client's message by copying the entries it holds
 * between a fixed head and tail, so a frame costs one allocation and a few copies per client, never an encoding,
 * and goes to the socket in one write.
 */

/** One quote or candle entry in MessagePack, shared by every client that gets it in a flush. */
export type EncodedEntry = Buffer;

export function encodeEntry(entry: QuoteEntry | CandleEntry): EncodedEntry {
  return encode(entry);
}

// {"type":2,"data":["frame",{...}],"nsp":"/"}: keys in the order Socket.IO builds an event packet (`emit` makes
// `{ type, data }` and `packet()` then sets `nsp`), so the frame's map sits between a fixed head and tail.
const PACKET_HEAD = Buffer.concat([
  Buffer.from([0x83]),
  encode('type'),
  encode(2),
  encode('data'),
  Buffer.from([0x92]),
  encode('frame'),
]);
const PACKET_TAIL = Buffer.concat([encode('nsp'), encode('/')]);
const KEY_T = encode('t');
const KEY_Q = encode('q');
const KEY_C = encode('c');
const FIXMAP = 0x80;

/** The `"t":<time>` pair, cached: every frame of a flush has the same time. */
let timeBytes = Buffer.concat([KEY_T, encode(0)]);
let timeOf = 0;

function timePair(time: number): Buffer {
  if (time !== timeOf) {
    timeBytes = Buffer.concat([KEY_T, encode(time)]);
    timeOf = time;
  }
  return timeBytes;
}

/** A MessagePack array header for `length` elements. */
function arrayHeaderSize(length: number): number {
  return length < 16 ? 1 : length < 0x10000 ? 3 : 5;
}

function writeArrayHeader(target: Buffer, offset: number, length: number): number {
  if (length < 16) {
    target[offset] = 0x90 | length;
    return offset + 1;
  }
  if (length < 0x10000) {
    target[offset] = 0xdc;
    target.writeUInt16BE(length, offset + 1);
    return offset + 3;
  }
  target[offset] = 0xdd;
  target.writeUInt32BE(length, offset + 1);
  return offset + 5;
}

function listSize(key: Buffer, entries: readonly EncodedEntry[]): number {
  let size = key.length + arrayHeaderSize(entries.length);
  for (const entry of entries) size += entry.length;
  return size;
}

function writeList(target: Buffer, offset: number, key: Buffer, entries: readonly EncodedEntry[]): number {
  target.set(key, offset);
  offset = writeArrayHeader(target, offset + key.length, entries.length);
  // TypedArray.set rather than Buffer.copy: no call into C++ for each of these few-byte copies.
  for (const entry of entries) {
    target.set(entry, offset);
    offset += entry.length;
  }
  return offset;
}

/** Length of the header of an unmasked WebSocket frame whose payload is `length` bytes (RFC 6455, 5.2). */
function webSocketHeaderSize(length: number): number {
  return length < 126 ? 2 : length < 0x10000 ? 4 : 10;
}

/** Writes the header of a final, unmasked, binary WebSocket frame of `length` bytes; returns its size. */
function writeWebSocketHeader(target: Buffer, length: number): number {
  target[0] = 0x82; // FIN, opcode 2 (binary)
  if (length < 126) {
    target[1] = length;
    return 2;
  }
  if (length < 0x10000) {
    target[1] = 126;
    target.writeUInt16BE(length, 2);
    return 4;
  }
  target[1] = 127;
  target.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
  target.writeUInt32BE(length >>> 0, 6);
  return 10;
}

/**
 * The WebSocket message carrying the Socket.IO packet of `emit('frame', { t: time, q: quotes, c: candles })`
 * (empty lists left out): the header of a final binary frame, unmasked as a server's are, then the packet.
 * `packetOf` gives the packet alone, for a transport that frames it itself.
 */
export function frameMessage(
  time: number,
  quotes: readonly EncodedEntry[],
  candles: readonly EncodedEntry[],
): Buffer {
  const t = timePair(time);
  const hasQuotes = quotes.length > 0;
  const hasCandles = candles.length > 0;
  const packetSize =
    PACKET_HEAD.length +
    PACKET_TAIL.length +
    1 +
    t.length +
    (hasQuotes ? listSize(KEY_Q, quotes) : 0) +
    (hasCandles ? listSize(KEY_C, candles) : 0);
  const message = Buffer.allocUnsafe(webSocketHeaderSize(packetSize) + packetSize);
  let offset = writeWebSocketHeader(message, packetSize);
  message.set(PACKET_HEAD, offset);
  offset += PACKET_HEAD.length;
  message[offset++] = FIXMAP | (1 + Number(hasQuotes) + Number(hasCandles));
  message.set(t, offset);
  offset += t.length;
  if (hasQuotes) offset = writeList(message, offset, KEY_Q, quotes);
  if (hasCandles) offset = writeList(message, offset, KEY_C, candles);
  message.set(PACKET_TAIL, offset);
  return message;
}

/** The Socket.IO packet inside a message of `frameMessage`, without copying it. */
export function packetOf(message: Buffer): Buffer {
  const length = (message[1] as number) & 0x7f;
  return message.subarray(length < 126 ? 2 : length === 126 ? 4 : 10);
}
