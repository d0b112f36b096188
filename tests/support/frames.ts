import { decode } from 'notepack.io';
import type { Frame } from '../../lib/protocol';

/**
 * The frame inside a packet the fan-out handed to its sink, decoded as a Socket.IO client with the MessagePack
 * parser would: it must be an event packet of the main namespace named `frame` with one argument.
 */
export function decodeFramePacket(packet: Buffer): Frame {
  const decoded = decode(packet) as { type?: unknown; nsp?: unknown; data?: unknown };
  if (decoded.type !== 2 || decoded.nsp !== '/' || !Array.isArray(decoded.data)) {
    throw new Error(`not a Socket.IO event packet: ${JSON.stringify(decoded)}`);
  }
  const [name, frame, ...rest] = decoded.data as unknown[];
  if (name !== 'frame' || rest.length > 0) throw new Error(`not a frame event: ${String(name)}`);
  return frame as Frame;
}
