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
}

/** A value over one of its limits, or not MessagePack at all. */
export class MessagePackLimitError extends Error {
  override readonly name = 'MessagePackLimitError';
}

/** Bytes after the head byte of each fixed-size type: uint, int, float and fixext (with its type byte). */
const FIXED: Readonly<Record<number, number>> = {
  0xc0: 0,
  0xc2: 0,
  0xc3: 0,
  0xca: 4,
  0xcb: 8,
  0xcc: 1,
  0xcd: 2,
  0xce: 4,
  0xcf: 8,
  0xd0: 1,
  0xd1: 2,
  0xd2: 4,
  0xd3: 8,
  0xd4: 2,
  0xd5: 3,
  0xd6: 5,
  0xd7: 9,
  0xd8: 17,
};

/** Throws a MessagePackLimitError naming the first limit `bytes` breaks; returns when it is one bounded value. */
export function checkMessagePack(bytes: Uint8Array, limits: MessagePackLimits): void {
  const end = bytes.length;
  if (end > limits.maxBytes) fail(`${end} bytes; the limit is ${limits.maxBytes}`);
  // Elements still owed by each open array or map, innermost last; and their sum.
  const open: number[] = [];
  let owed = 0;
  let pos = 0;

  const length = (size: 1 | 2 | 4): number => {
    if (pos + size > end) fail(`truncated at byte ${pos}`);
    let value = 0;
    for (let i = 0; i < size; i++) value = value * 256 + (bytes[pos + i] as number);
    pos += size;
    return value;
  };
  const skip = (count: number, limit: number, what: string): void => {
    if (count > limit) fail(`${what} of ${count} bytes; the limit is ${limit}`);
    if (pos + count > end) fail(`${what} of ${count} bytes with ${end - pos} left`);
    pos += count;
  };
  const container = (elements: number, count: number, what: 'array' | 'map'): void => {
    const limit = what === 'array' ? limits.maxArrayLength : limits.maxMapLength;
    if (count > limit) fail(`${what} of ${count}; the limit is ${limit}`);
    if (count === 0) return;
    if (open.length + 1 > limits.maxDepth) fail(`nested deeper than ${limits.maxDepth}`);
    owed += elements;
    if (owed > end - pos) fail(`${what} of ${count} with ${end - pos} bytes left`);
    open.push(elements);
  };

  for (;;) {
    if (pos >= end) fail(`truncated at byte ${pos}`);
    const head = bytes[pos] as number;
    pos += 1;
    if (open.length > 0) {
      open[open.length - 1] = (open.at(-1) as number) - 1;
      owed -= 1;
    }
    if (head < 0x80 || head >= 0xe0) {
      // fixint
    } else if (head < 0x90) container((head & 0x0f) * 2, head & 0x0f, 'map');
    else if (head < 0xa0) container(head & 0x0f, head & 0x0f, 'array');
    else if (head < 0xc0) skip(head & 0x1f, limits.maxStrLength, 'string');
    else if (head in FIXED) skip(FIXED[head] as number, Infinity, 'value');
    else {
      switch (head) {
        case 0xc4:
        case 0xc5:
        case 0xc6:
          skip(length(head === 0xc4 ? 1 : head === 0xc5 ? 2 : 4), limits.maxBinLength, 'binary');
          break;
        case 0xc7:
        case 0xc8:
        case 0xc9: {
          const size = length(head === 0xc7 ? 1 : head === 0xc8 ? 2 : 4);
          skip(1, Infinity, 'extension type');
          skip(size, limits.maxBinLength, 'extension');
          break;
        }
        case 0xd9:
        case 0xda:
        case 0xdb:
          skip(length(head === 0xd9 ? 1 : head === 0xda ? 2 : 4), limits.maxStrLength, 'string');
          break;
        case 0xdc:
        case 0xdd: {
          const count = length(head === 0xdc ? 2 : 4);
          container(count, count, 'array');
          break;
        }
        case 0xde:
        case 0xdf: {
          const count = length(head === 0xde ? 2 : 4);
          container(count * 2, count, 'map');
          break;
        }
        default:
          fail(`byte 0x${head.toString(16)} at ${pos - 1} is no MessagePack type`);
      }
    }
    while (open.length > 0 && open.at(-1) === 0) open.pop();
    if (open.length === 0) break;
  }
  if (pos !== end) fail(`${end - pos} bytes after the value`);
}

function fail(message: string): never {
  throw new MessagePackLimitError(`MessagePack refused: ${message}`);
}
