import { createParser, type SocketIoParser } from '../../lib/msgpack-parser';
import type { MessagePackLimits } from '../../lib/msgpack-limits';

/** The largest packet Engine.IO takes (`maxHttpBufferSize`); the parser refuses larger ones too. */
export const MAX_PACKET_BYTES = 64 * 1024;

/**
 * What one packet from a client may hold. Requests are far smaller (`maxRequestBytes`, 4 KiB of JSON, is refused
 * politely); a packet over these closes its connection. An array of more than 4096 elements or a map of more than
 * 1024 entries is over 4 KiB as JSON anyway, and requests nest four deep (packet, arguments, request, symbols).
 * Strings and binaries may fill the packet: they are checked against the bytes present, so they cost no more than
 * the packet itself, and an oversized request is still answered PAYLOAD_TOO_LARGE.
 */
export const SERVER_PACKET_LIMITS: MessagePackLimits = {
  maxBytes: MAX_PACKET_BYTES,
  maxDepth: 8,
  maxArrayLength: 4096,
  maxMapLength: 1024,
  maxStrLength: MAX_PACKET_BYTES,
  maxBinLength: MAX_PACKET_BYTES,
  utf8: true,
};

/**
 * Event names Socket.IO or Node's EventEmitter give a meaning of their own on a server socket: a client emitting one
 * would run the server's own handlers (`disconnect` ran the disconnect handler with the socket still open). A packet
 * carrying one closes its connection.
 */
export const RESERVED_EVENTS = [
  'connect',
  'connect_error',
  'disconnect',
  'disconnecting',
  'error',
  'newListener',
  'removeListener',
] as const;

/** The server's parser: the feed lives in the default namespace only, so a packet for another closes too. */
export const serverParser: SocketIoParser = createParser({
  limits: SERVER_PACKET_LIMITS,
  namespaces: ['/'],
  refusedEvents: RESERVED_EVENTS,
});
