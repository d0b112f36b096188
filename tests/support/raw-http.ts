import { connect, type Socket } from 'node:net';

export interface RawResponse {
  /** The status code of the first response line; 0 when the server closed without answering. */
  status: number;
  /** Everything the server sent. */
  text: string;
}

/** Opens a raw TCP connection to `port` on 127.0.0.1, resolving once connected. */
export function openTcp(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Resolves when `socket` closes, with whatever it received meanwhile. */
export function closed(socket: Socket): Promise<string> {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => {});
  return new Promise((resolve) =>
    socket.once('close', () => resolve(Buffer.concat(chunks).toString('latin1'))),
  );
}

/**
 * Sends `head` (a request line and headers, `\r\n` separated, without the final blank line) byte for byte over a
 * new TCP connection, as no HTTP client library would let it through, and reads the first response. The request
 * asks the server to close the connection after answering.
 */
export async function rawRequest(port: number, head: string): Promise<RawResponse> {
  const socket = await openTcp(port);
  const received = closed(socket);
  socket.write(`${head}\r\nConnection: close\r\n\r\n`, 'latin1');
  const text = await received;
  const status = /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1];
  return { status: status === undefined ? 0 : Number(status), text };
}
