/** notepack.io ships no types: the two functions tickerboard uses (MessagePack, as socket.io-msgpack-parser). */
declare module 'notepack.io' {
  export function encode(value: unknown): Buffer;
  export function decode(buffer: Uint8Array | ArrayBuffer): unknown;
}
