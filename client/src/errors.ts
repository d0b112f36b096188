import type { ErrorCode } from '../../lib/protocol';

/**
 * What went wrong, by code: the server's refusal codes (docs/protocol.md) and the client's own.
 * - `OUTDATED`: the server speaks a newer protocol version than this client; reload or upgrade.
 * - `UNREACHABLE`: no answer from the server (HTTP or socket).
 * - `UNAUTHORIZED`: the server refused the token (or wants one).
 * - `HTTP`: an HTTP request was answered with another error.
 * - `CLOSED`: the client was closed.
 */
export type ClientErrorCode = ErrorCode | 'OUTDATED' | 'UNREACHABLE' | 'UNAUTHORIZED' | 'HTTP' | 'CLOSED';

export class TickerboardError extends Error {
  readonly code: ClientErrorCode;
  /** The symbols concerned, where there are some (an unknown symbol, say). */
  readonly symbols: readonly string[];

  constructor(code: ClientErrorCode, message: string, symbols: readonly string[] = []) {
    super(message);
    this.name = 'TickerboardError';
    this.code = code;
    this.symbols = symbols;
  }
}
