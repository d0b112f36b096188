/**
 * Bounds on one MessagePack value, checked by walking its bytes before anything is decoded.
 *
 * A MessagePack header states how many elements or bytes follow, and decoders (notepack.io, and @msgpack/msgpack for
 * arrays) allocate what it states before reading any of them: five bytes can ask for an array of four billion
 * elements. The walk below allocates nothing and reads each byte once. It refuses a value larger, deeper or with
 * longer arrays, maps, strings or binaries than the limits allow, and any header that claims more than the bytes
 * left could hold: every element still owed needs at least one byte, so a header may not bring the elements owed
 * above the bytes that remain. A value that passes decodes into at most a few objects per byte it holds.
 */
export interface MessagePackLimits {
  /** Bytes of the whole value. */
  readonly maxBytes: number;
  /** Arrays and maps inside one another; the outermost container is at depth 1. */
  readonly maxDepth: number;
  readonly maxArrayLength: number;
  /** Entries (key and value pairs) of one map. */
  readonly maxMapLength: number;
  /** UTF-8 bytes of one string. */
  readonly maxStrLength: number;
  /** Bytes of one binary or extension value. */
  readonly maxBinLength: number;
  /**
   * Strings must be UTF-8. A sequence cut off at a string's end makes `@msgpack/msgpack` read the next value's
   * first byte into the string, so a packet could decode as keys and values its bytes do not hold.
   */
  readonly utf8?: boolean;
}

/** A value over one of its limits, or not MessagePack at all. */
export class MessagePackLimitError extends Error {
  override readonly name = 'MessagePackLimitError';
}

/** What a head byte 0xc0..0xdf starts: bytes of payload that follow it, or how its length or count is stored. */
const FIXED = 0;
const STR = 1;
const BIN = 2;
const EXT = 3;
const ARRAY = 4;
const MAP = 5;
const INVALID = 6;
/** [kind, size]: for FIXED the payload bytes after the head byte, otherwise the width of the length field. */
const HEADS: readonly (readonly [kind: number, size: number])[] = [
  [FIXED, 0], // c0 nil
  [INVALID, 0], // c1
  [FIXED, 0], // c2 false
  [FIXED, 0], // c3 true
  [BIN, 1],
  [BIN, 2],
  [BIN, 4],
  [EXT, 1],
  [EXT, 2],
  [EXT, 4],
  [FIXED, 4], // ca float 32
  [FIXED, 8],
  [FIXED, 1], // cc uint 8
  [FIXED, 2],
  [FIXED, 4],
  [FIXED, 8],
  [FIXED, 1], // d0 int 8
  [FIXED, 2],
  [FIXED, 4],
  [FIXED, 8],
  [FIXED, 2], // d4 fixext 1 (type byte and data)
  [FIXED, 3],
  [FIXED, 5],
  [FIXED, 9],
  [FIXED, 17],
  [STR, 1], // d9
  [STR, 2],
  [STR, 4],
  [ARRAY, 2], // dc
  [ARRAY, 4],
  [MAP, 2], // de
  [MAP, 4],
];

/** Throws a MessagePackLimitError naming the first limit `bytes` breaks; returns when it is one bounded value. */
export function checkMessagePack(bytes: Uint8Array, limits: MessagePackLimits): void {
  const end = bytes.length;
  if (end > limits.maxBytes) fail(`${end} bytes; the limit is ${limits.maxBytes}`);
  // Elements still owed by each open array or map, innermost last; and their sum.
  const open: number[] = [];
  let owed = 0;
  let pos = 0;
  for (;;) {
    if (pos >= end) fail(`truncated at byte ${pos}`);
    const head = bytes[pos++] as number;
    if (open.length > 0) {
      open[open.length - 1] = (open[open.length - 1] as number) - 1;
      owed -= 1;
    }
    // Containers: `count` elements (map: entries, each two elements).
    let count = -1;
    let isMap = false;
    if (head < 0x80 || head >= 0xe0) {
      // fixint
    } else if (head < 0x90) {
      count = head & 0x0f;
      isMap = true;
    } else if (head < 0xa0) {
      count = head & 0x0f;
    } else if (head < 0xc0) {
      pos = text(bytes, pos, head & 0x1f, limits);
    } else {
      const [kind, size] = HEADS[head - 0xc0] as readonly [number, number];
      if (kind === FIXED) pos = payload(bytes, pos, size, Infinity, 'value');
      else if (kind === INVALID) fail(`byte 0x${head.toString(16)} at ${pos - 1} is no MessagePack type`);
      else {
        if (pos + size > end) fail(`truncated at byte ${pos}`);
        let length = 0;
        for (let i = 0; i < size; i++) length = length * 256 + (bytes[pos + i] as number);
        pos += size;
        if (kind === STR) pos = text(bytes, pos, length, limits);
        else if (kind === BIN) pos = payload(bytes, pos, length, limits.maxBinLength, 'binary');
        else if (kind === EXT)
          pos = payload(
            bytes,
            payload(bytes, pos, 1, 1, 'extension type'),
            length,
            limits.maxBinLength,
            'extension',
          );
        else {
          count = length;
          isMap = kind === MAP;
        }
      }
    }
    if (count > 0) {
      const limit = isMap ? limits.maxMapLength : limits.maxArrayLength;
      const what = isMap ? 'map' : 'array';
      if (count > limit) fail(`${what} of ${count}; the limit is ${limit}`);
      if (open.length >= limits.maxDepth) fail(`nested deeper than ${limits.maxDepth}`);
      const elements = isMap ? count * 2 : count;
      owed += elements;
      if (owed > end - pos) fail(`${what} of ${count} with ${end - pos} bytes left`);
      open.push(elements);
    } else if (count === 0 && open.length >= limits.maxDepth) {
      fail(`nested deeper than ${limits.maxDepth}`);
    }
    while (open.length > 0 && open[open.length - 1] === 0) open.pop();
    if (open.length === 0) break;
  }
  if (pos !== end) fail(`${end - pos} bytes after the value`);
}

/** The position after `length` bytes of payload at `pos`, within `limit` and the bytes present. */
function payload(bytes: Uint8Array, pos: number, length: number, limit: number, what: string): number {
  if (length > limit) fail(`${what} of ${length} bytes; the limit is ${limit}`);
  if (pos + length > bytes.length) fail(`${what} of ${length} bytes with ${bytes.length - pos} left`);
  return pos + length;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A string's payload; with `utf8`, refused unless UTF-8 (`dat` + 0xc1 before the value 0xa1 0x5e decoded as the
 * key `data`: the cut-off sequence took the value's header in).
 */
function text(bytes: Uint8Array, pos: number, length: number, limits: MessagePackLimits): number {
  const end = payload(bytes, pos, length, limits.maxStrLength, 'string');
  if (!limits.utf8) return end;
  for (let i = pos; i < end; i++) {
    if ((bytes[i] as number) < 0x80) continue;
    try {
      strictUtf8.decode(bytes.subarray(i, end));
    } catch {
      fail(`string at byte ${pos} is not UTF-8`);
    }
    break;
  }
  return end;
}

function fail(message: string): never {
  throw new MessagePackLimitError(`MessagePack refused: ${message}`);
}
