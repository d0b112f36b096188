/**
 * A Socket.IO parser speaking `socket.io-msgpack-parser`'s wire format (every Socket.IO packet one MessagePack map
 * `{ type, nsp, data?, id? }`, a binary WebSocket message or a base64 long-polling record) whose decoding cannot be
 * made to allocate more than the packet's own bytes justify: each packet is checked against `MessagePackLimits`
 * (lib/msgpack-limits.ts) before it is decoded, and decoded by @msgpack/msgpack's `Decoder` with the same limits. A
 * packet that fails throws from `add`, on which Socket.IO closes that connection (server) or reports `parse error`
 * (client).
 *
 * Encoding is notepack.io's, as in socket.io-msgpack-parser, so what either end sends is byte for byte what it sent
 * before. Decoding gives the values notepack.io gives (tests/property/msgpack-parser.test.ts), except where it is
 * stricter or the input is broken: a map key `__proto__` is refused (notepack.io would set the object's prototype),
 * map keys must be strings or numbers, bytes that are not UTF-8 in a string may decode to other replacement
 * characters, and an extension of type 0 holding 1 or 8 bytes decodes as notepack.io's `undefined` and `Date` (its
 * fixext 1 and fixext 8 forms) whatever its header says.
 */
import { Decoder as MessagePackDecoder, type ExtensionCodecType } from '@msgpack/msgpack';
import { encode } from 'notepack.io';
import { checkMessagePack, type MessagePackLimits } from './msgpack-limits';

/** Socket.IO's packet types (socket.io-protocol v5). */
export const PacketType = {
  CONNECT: 0,
  DISCONNECT: 1,
  EVENT: 2,
  ACK: 3,
  CONNECT_ERROR: 4,
} as const;

export interface Packet {
  type: number;
  nsp: string;
  data?: unknown;
  id?: number;
}

export interface ParserOptions {
  limits: MessagePackLimits;
  /** Namespaces a packet may name; any when omitted. */
  namespaces?: readonly string[];
  /** Event names a packet may not carry (an EVENT's name must be a string in any case). */
  refusedEvents?: readonly string[];
}

/** What `new Server(http, { parser })` and `io(url, { parser })` take. */
export interface SocketIoParser {
  readonly protocol: 5;
  readonly Encoder: new () => { encode(packet: Packet): unknown[] };
  readonly Decoder: new () => PacketDecoder;
}

export interface PacketDecoder {
  /** Decodes one packet and emits it as `decoded`; throws on anything that is not a packet within the limits. */
  add(data: unknown): void;
  on(event: 'decoded', listener: (packet: Packet) => void): this;
  off(event: 'decoded', listener: (packet: Packet) => void): this;
  removeListener(event: 'decoded', listener: (packet: Packet) => void): this;
  destroy(): void;
}

/** notepack.io's extensions: type 0 is `undefined` (1 byte), a `Date` (8 bytes) or an ArrayBuffer; others a pair. */
const notepackExtensions: ExtensionCodecType<undefined> = {
  tryToEncode: () => null,
  decode(data, type) {
    if (type !== 0) return [type, data];
    if (data.length === 1) return undefined;
    if (data.length === 8) {
      const view = new DataView(data.buffer, data.byteOffset, 8);
      return new Date(view.getInt32(0) * 2 ** 32 + view.getUint32(4));
    }
    return data.slice().buffer;
  },
};

const isObject = (value: unknown): boolean => Object.prototype.toString.call(value) === '[object Object]';

/** Builds a parser that decodes within `options.limits`; one per set of limits, shared by every connection. */
export function createParser(options: ParserOptions): SocketIoParser {
  const { limits } = options;
  const refused = new Set(options.refusedEvents ?? []);
  const namespaces = options.namespaces && new Set(options.namespaces);
  const messagePack = new MessagePackDecoder({
    extensionCodec: notepackExtensions,
    maxStrLength: limits.maxStrLength,
    maxBinLength: limits.maxBinLength,
    maxExtLength: limits.maxBinLength,
    maxArrayLength: limits.maxArrayLength,
    maxMapLength: limits.maxMapLength,
  });

  const check = (value: unknown): Packet => {
    if (!isObject(value)) throw new Error('invalid packet: not a map');
    const packet = value as Packet;
    const { type, nsp, data, id } = packet;
    if (!Number.isInteger(type) || type < PacketType.CONNECT || type > PacketType.CONNECT_ERROR) {
      throw new Error('invalid packet type');
    }
    if (typeof nsp !== 'string' || (namespaces && !namespaces.has(nsp))) throw new Error('invalid namespace');
    const valid =
      type === PacketType.CONNECT
        ? data === undefined || isObject(data)
        : type === PacketType.DISCONNECT
          ? data === undefined
          : type === PacketType.CONNECT_ERROR
            ? typeof data === 'string' || isObject(data)
            : Array.isArray(data);
    if (!valid) throw new Error('invalid payload');
    if (id !== undefined && !Number.isInteger(id)) throw new Error('invalid packet id');
    if (type === PacketType.EVENT) {
      const [name] = data as unknown[];
      if (typeof name !== 'string' || refused.has(name)) throw new Error('invalid event name');
    }
    return packet;
  };

  class Encoder {
    encode(packet: Packet): unknown[] {
      return [encode(packet)];
    }
  }

  class Decoder implements PacketDecoder {
    private listeners: ((packet: Packet) => void)[] = [];

    add(data: unknown): void {
      let bytes: Uint8Array;
      if (data instanceof Uint8Array) bytes = data;
      else if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
      else throw new Error('invalid packet: not binary');
      checkMessagePack(bytes, limits);
      const packet = check(messagePack.decode(bytes));
      for (const listener of this.listeners) listener(packet);
    }

    on(_event: 'decoded', listener: (packet: Packet) => void): this {
      this.listeners.push(listener);
      return this;
    }

    off(_event: 'decoded', listener: (packet: Packet) => void): this {
      this.listeners = this.listeners.filter((known) => known !== listener);
      return this;
    }

    removeListener(event: 'decoded', listener: (packet: Packet) => void): this {
      return this.off(event, listener);
    }

    destroy(): void {
      this.listeners = [];
    }
  }

  return { protocol: 5, Encoder, Decoder };
}

/**
 * Limits for what a browser or another client of the feed decodes from the server: its largest packets are candle
 * acknowledgements (up to HISTORY_BARS bars) and the frames of a connection holding thousands of symbols.
 */
export const CLIENT_PACKET_LIMITS: MessagePackLimits = {
  maxBytes: 64 * 1024 * 1024,
  maxDepth: 16,
  maxArrayLength: 1_000_000,
  maxMapLength: 256,
  maxStrLength: 1024 * 1024,
  maxBinLength: 1024 * 1024,
  utf8: true,
};

/** The parser a client of the feed uses: `io(url, { parser: clientParser })`. */
export const clientParser: SocketIoParser = createParser({ limits: CLIENT_PACKET_LIMITS });
