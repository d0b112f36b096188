import { errors, jwtVerify, SignJWT } from 'jose';
import type { UnixMillis } from '../../lib/nominal';
import type { Clock } from '../clock';

/** Why a token was refused; the message is what a client is told. */
export class TokenError extends Error {
  readonly code: 'TOKEN_MISSING' | 'TOKEN_INVALID' | 'TOKEN_EXPIRED';

  constructor(code: TokenError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

export interface Grant {
  /** Who the token was issued to (`sub`). */
  subject: string;
  /** When it stops being valid (`exp`). */
  expiresAt: UnixMillis;
}

/** Checks a presented token; rejects with a TokenError. */
export type TokenVerifier = (token: unknown) => Promise<Grant>;

const ALGORITHM = 'HS256';

function keyOf(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/**
 * Verifies HS256 JWTs signed with `secret` that carry `exp` and `sub`, at the clock's time (no leeway: a token is
 * valid up to its `exp` second).
 */
export function tokenVerifier(secret: string, clock: Clock): TokenVerifier {
  const key = keyOf(secret);
  return async (token) => {
    if (typeof token !== 'string' || token === '') {
      throw new TokenError('TOKEN_MISSING', 'unauthorized: a token is required');
    }
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: [ALGORITHM],
        requiredClaims: ['exp', 'sub'],
        currentDate: new Date(clock.now()),
      });
      return { subject: String(payload.sub), expiresAt: ((payload.exp ?? 0) * 1000) as UnixMillis };
    } catch (error) {
      if (error instanceof errors.JWTExpired)
        throw new TokenError('TOKEN_EXPIRED', 'unauthorized: token expired');
      if (error instanceof errors.JOSEError)
        throw new TokenError('TOKEN_INVALID', 'unauthorized: invalid token');
      throw error;
    }
  };
}

/** A token for `subject`, valid for `ttlSeconds` from `now` (what `npm run token` prints). */
export function mintToken(
  secret: string,
  subject: string,
  ttlSeconds: number,
  now: UnixMillis,
): Promise<string> {
  const issuedAt = Math.floor(now / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setSubject(subject)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ttlSeconds)
    .sign(keyOf(secret));
}

/** `30s`, `15m`, `1h`, `7d` (or a bare number of seconds) in seconds; undefined when it is none of those. */
export function parseTtl(text: string): number | undefined {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (!match) return undefined;
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
  const seconds = Number(match[1]) * unit;
  return seconds > 0 ? seconds : undefined;
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}
