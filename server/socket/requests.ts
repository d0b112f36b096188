import { z } from 'zod';
import { INTERVALS } from '../../lib/intervals';
import type {
  CandleRequest,
  CandleStreamRef,
  ErrorCode,
  Limits,
  ProtocolError,
  SubscribeRequest,
} from '../../lib/protocol';

const symbol = z.string().min(1).max(24);
const throttleMs = z.number().int().min(1).max(60_000).optional();

/** One schema per client request, built for the server's limits. */
export function requestSchemas(limits: Limits) {
  return {
    subscribe: z
      .object({ symbols: z.array(symbol).min(1), throttleMs })
      .strict() satisfies z.ZodType<SubscribeRequest>,
    unsubscribe: z
      .object({ symbols: z.array(symbol).min(1), throttleMs })
      .strict() satisfies z.ZodType<SubscribeRequest>,
    subscribeCandles: z
      .object({
        symbol,
        interval: z.enum(INTERVALS),
        limit: z.number().int().min(1).max(limits.maxBars).optional(),
        throttleMs,
      })
      .strict() satisfies z.ZodType<CandleRequest>,
    unsubscribeCandles: z
      .object({ symbol, interval: z.enum(INTERVALS) })
      .strict() satisfies z.ZodType<CandleStreamRef>,
    ping: z.object({}).strict(),
  };
}

export class RequestError extends Error {
  readonly code: ErrorCode;
  readonly symbols: string[] | undefined;

  constructor(code: ErrorCode, message: string, symbols?: string[]) {
    super(message);
    this.code = code;
    this.symbols = symbols;
  }

  toProtocol(): ProtocolError {
    return this.symbols
      ? { code: this.code, message: this.message, symbols: this.symbols }
      : { code: this.code, message: this.message };
  }
}

/** Keys that reach an object's prototype when assigned or read: never data. */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Throws INVALID_REQUEST when `value` holds, at any depth, a key that could reach a prototype, or an object that is
 * not a plain one. The decoder refuses `__proto__` already; this holds whatever built the value.
 */
export function refusePrototypeKeys(value: unknown): void {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (next === null || typeof next !== 'object') continue;
    if (Array.isArray(next)) {
      pending.push(...next);
      continue;
    }
    const prototype: unknown = Object.getPrototypeOf(next);
    if (prototype !== Object.prototype && prototype !== null) {
      throw new RequestError('INVALID_REQUEST', 'only plain objects are accepted');
    }
    for (const key of Object.keys(next)) {
      if (PROTOTYPE_KEYS.has(key)) throw new RequestError('INVALID_REQUEST', `key not allowed: ${key}`);
      pending.push((next as Record<string, unknown>)[key]);
    }
  }
}

/**
 * Parses a request with its schema, or throws an INVALID_REQUEST error that says what is wrong where. Keys that reach
 * a prototype are refused before the schema sees the value.
 */
export function parseRequest<T>(schema: z.ZodType<T>, value: unknown): T {
  refusePrototypeKeys(value);
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new RequestError('INVALID_REQUEST', `${where}${issue?.message ?? 'invalid request'}`);
}

/** Throws PAYLOAD_TOO_LARGE when the request's JSON form is over `maxBytes`. */
export function checkSize(value: unknown, maxBytes: number): void {
  const size = Buffer.byteLength(JSON.stringify(value ?? null) ?? '', 'utf8');
  if (size > maxBytes) {
    throw new RequestError('PAYLOAD_TOO_LARGE', `request is ${size} bytes; the limit is ${maxBytes}`);
  }
}
