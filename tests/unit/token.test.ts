import { describe, expect, it } from 'vitest';
import type { UnixMillis } from '../../lib/nominal';
import { bearerToken, mintToken, parseTtl, tokenVerifier } from '../../server/guard/token';
import { ManualClock } from '../support/manual-clock';

const SECRET = 'a unit-test secret of at least 32 chars';

describe('tokens', () => {
  it('verifies up to its exp second and not after', async () => {
    const clock = new ManualClock();
    const verify = tokenVerifier(SECRET, clock);
    const token = await mintToken(SECRET, 'alice', 60, clock.now());
    expect(await verify(token)).toEqual({
      subject: 'alice',
      expiresAt: (Math.floor(clock.now() / 1000) + 60) * 1000,
    });
    clock.advance(59_000);
    await expect(verify(token)).resolves.toMatchObject({ subject: 'alice' });
    clock.advance(1_000);
    await expect(verify(token)).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
  });

  it('refuses a token from another secret and anything that is not a token', async () => {
    const clock = new ManualClock();
    const verify = tokenVerifier(SECRET, clock);
    const other = await mintToken('another secret, at least 32 characters', 'x', 60, clock.now());
    await expect(verify(other)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    await expect(verify('not.a.token')).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    await expect(verify(undefined)).rejects.toMatchObject({ code: 'TOKEN_MISSING' });
    await expect(verify({ token: 'x' })).rejects.toMatchObject({ code: 'TOKEN_MISSING' });
  });

  it.each([
    ['30s', 30],
    ['15m', 900],
    ['1h', 3600],
    ['7d', 604_800],
    ['120', 120],
  ])('reads the ttl %s as %i seconds', (text, seconds) => {
    expect(parseTtl(text)).toBe(seconds);
  });

  it.each(['', '0', '1w', '-1h', '1.5h', 'h'])('refuses the ttl %j', (text) => {
    expect(parseTtl(text)).toBeUndefined();
  });

  it('takes the token out of a Bearer header only', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer abc')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });

  it('mints tokens whose exp counts from the given time', async () => {
    const now = Date.UTC(2030, 0, 1) as UnixMillis;
    const [, payload = ''] = (await mintToken(SECRET, 'bob', 3600, now)).split('.');
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toEqual({
      sub: 'bob',
      iat: now / 1000,
      exp: now / 1000 + 3600,
    });
  });
});
