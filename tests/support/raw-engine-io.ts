import { encode } from 'notepack.io';
import WebSocket from 'ws';

/**
 * Engine.IO v4 connections that send whatever bytes a test gives them, as a hostile client would: no Socket.IO
 * client, no parser. Over WebSocket each packet is one binary message; over long-polling one base64 record
 * (`b...`) in a POST, as a client without binary support sends it.
 */
export interface RawConnection {
  readonly transport: 'websocket' | 'polling';
  /** Sends Socket.IO's CONNECT to the default namespace and waits for the server's answer. */
  connectSocketIo(): Promise<void>;
  /** Sends each packet as its own message (WebSocket) or record (one POST for all of them). */
  send(packets: readonly (Uint8Array | string)[]): Promise<void>;
  /** Stops reading what the server sends (WebSocket: the TCP socket is paused; long-polling: no more polls). */
  stopReading(): void;
  /** Resolves once the server has closed the connection (or after `timeoutMs`, with false). */
  closedByServer(timeoutMs: number): Promise<boolean>;
  close(): void;
}

const CONNECT = encode({ type: 0, nsp: '/' });

/** Opens a raw Engine.IO WebSocket connection to `port` and waits for the open packet. */
export async function rawWebSocket(port: number): Promise<RawConnection> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`);
  let closed = false;
  const onClosed = new Promise<void>((resolve) => {
    ws.once('close', () => {
      closed = true;
      resolve();
    });
    ws.once('error', () => undefined);
  });
  const binary: ((data: Buffer) => void)[] = [];
  ws.on('message', (data: Buffer, isBinary) => {
    if (!isBinary && data.toString() === '2') ws.send('3');
    if (isBinary) for (const listener of binary.splice(0)) listener(data);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('message', () => resolve());
    ws.once('close', () => reject(new Error('closed before the open packet')));
  });
  return {
    transport: 'websocket',
    async connectSocketIo() {
      const answered = new Promise<void>((resolve) => binary.push(() => resolve()));
      ws.send(CONNECT);
      await answered;
    },
    async send(packets) {
      for (const packet of packets) {
        if (closed) return;
        ws.send(packet, { binary: typeof packet !== 'string' });
      }
    },
    stopReading() {
      (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    },
    async closedByServer(timeoutMs) {
      return within(onClosed, timeoutMs);
    },
    close() {
      ws.terminate();
    },
  };
}

/** Opens a raw Engine.IO long-polling session on `port` (the handshake GET). */
export async function rawPolling(port: number): Promise<RawConnection> {
  const base = `http://127.0.0.1:${port}/socket.io/?EIO=4&transport=polling`;
  const opened = await (await fetch(base)).text();
  if (!opened.startsWith('0')) throw new Error(`no open packet: ${opened.slice(0, 80)}`);
  const { sid } = JSON.parse(opened.slice(1)) as { sid: string };
  const url = `${base}&sid=${encodeURIComponent(sid)}`;
  /** The server will take nothing more (it closed the session, or refused a POST). */
  let closed = false;
  /** The session is gone from the server: a close packet came, or the session id is unknown. */
  let over = false;
  const post = async (records: readonly string[]): Promise<void> => {
    const response = await fetch(url, {
      method: 'POST',
      body: records.join('\x1e'),
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
    });
    await response.arrayBuffer();
    // 413 (over maxHttpBufferSize) leaves the session open on the server until its heartbeat times out.
    if (response.status !== 200) closed = true;
    if (response.status === 400) over = true;
  };
  /** One GET: true when the server says the session is over (a close packet or an unknown session). */
  const poll = async (signal?: AbortSignal): Promise<boolean> => {
    const response = await fetch(url, signal ? { signal } : {});
    const body = await response.text();
    if (response.status !== 200 || body.split('\x1e').includes('1')) {
      closed = true;
      over = true;
    }
    return closed;
  };
  return {
    transport: 'polling',
    async connectSocketIo() {
      await post([`b${Buffer.from(CONNECT).toString('base64')}`]);
      await poll();
    },
    async send(packets) {
      if (closed) return;
      await post(
        packets.map((p) => (typeof p === 'string' ? `4${p}` : `b${Buffer.from(p).toString('base64')}`)),
      );
    },
    stopReading() {
      // Polls are only made by connectSocketIo and closedByServer.
    },
    async closedByServer(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!closed && Date.now() < deadline) {
        await poll(AbortSignal.timeout(Math.max(1, deadline - Date.now()))).catch((error: unknown) => {
          // A poll that timed out found the session still open.
          if (!(error instanceof DOMException && error.name === 'TimeoutError')) throw error;
        });
      }
      return closed;
    },
    close() {
      if (over) return;
      closed = true;
      over = true;
      void fetch(url, { method: 'POST', body: '1' }).then(
        (response) => response.arrayBuffer(),
        () => undefined,
      );
    },
  };
}

function within(promise: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
