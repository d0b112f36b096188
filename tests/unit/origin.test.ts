import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { proxyTrust } from '../../server/http/client-address';
import { originPolicy, type OriginOptions } from '../../server/socket/origin';

interface Handshake {
  origin?: string;
  host?: string;
  peer?: string;
  forwardedProto?: string;
}

const handshake = ({ origin, host, peer = '203.0.113.9', forwardedProto }: Handshake) =>
  ({
    headers: {
      ...(origin === undefined ? {} : { origin }),
      ...(host === undefined ? {} : { host }),
      ...(forwardedProto === undefined ? {} : { 'x-forwarded-proto': forwardedProto }),
    },
    socket: { remoteAddress: peer },
  }) as unknown as IncomingMessage;

const policy = (options: Partial<OriginOptions> = {}) =>
  originPolicy({ allowed: [], publicOrigin: '', trusted: proxyTrust([]), ...options });
const admits = (options: Partial<OriginOptions>, request: Handshake) =>
  policy(options).admit(handshake(request)).ok;

describe('origin policy', () => {
  it('lets a request without an Origin through (not a browser)', () => {
    expect(admits({ allowed: ['https://board.example'] }, { host: 'feed' })).toBe(true);
  });

  it('admits the page’s own origin: same scheme, host and port', () => {
    expect(admits({}, { origin: 'http://localhost:3000', host: 'localhost:3000' })).toBe(true);
    expect(admits({}, { origin: 'http://localhost:4000', host: 'localhost:3000' })).toBe(false);
    expect(admits({}, { origin: 'https://localhost:3000', host: 'localhost:3000' })).toBe(false);
    expect(admits({}, { origin: 'https://evil.example', host: 'localhost:3000' })).toBe(false);
  });

  it('still admits the own origin when other origins are listed, unless the list says !self', () => {
    const own = { origin: 'http://feed.example', host: 'feed.example' };
    expect(admits({ allowed: ['https://other.example'] }, own)).toBe(true);
    expect(admits({ allowed: ['self', 'https://other.example'] }, own)).toBe(true);
    expect(admits({ allowed: ['!self', 'https://other.example'] }, own)).toBe(false);
    expect(
      admits({ allowed: ['!self', 'https://other.example'] }, { ...own, origin: 'https://other.example' }),
    ).toBe(true);
  });

  it('matches listed origins exactly: another scheme, port or a look-alike host is another origin', () => {
    const allowed = ['https://board.example', 'https://staging.board.example'];
    const from = (origin: string) => admits({ allowed }, { origin, host: 'feed' });
    expect(from('https://staging.board.example')).toBe(true);
    expect(from('https://board.example')).toBe(true);
    for (const lookAlike of [
      'http://board.example',
      'https://board.example:8443',
      'https://board.example.evil.example',
      'https://evilboard.example',
      'https://board.examp1e',
      'https://xn--bard-vqa.example',
      'https://board.example.',
      'https://board.example/',
    ]) {
      expect(from(lookAlike), lookAlike).toBe(false);
    }
  });

  it('admits any origin with *, but never `null` (a sandboxed frame, a file)', () => {
    expect(admits({ allowed: ['*'] }, { origin: 'https://anything.example', host: 'feed' })).toBe(true);
    expect(admits({ allowed: ['*'] }, { origin: 'null', host: 'feed' })).toBe(false);
    expect(admits({}, { origin: 'null', host: 'null' })).toBe(false);
  });

  it('takes the own scheme as https only over TLS or from a trusted proxy saying so', () => {
    const behindProxy = {
      origin: 'https://demo.example',
      host: 'demo.example',
      peer: '127.0.0.1',
      forwardedProto: 'https',
    };
    expect(admits({ trusted: proxyTrust(['127.0.0.1']) }, behindProxy)).toBe(true);
    // The same header from anyone else is not believed: the own origin is then http://demo.example.
    expect(admits({}, behindProxy)).toBe(false);
  });

  describe('with PUBLIC_ORIGIN', () => {
    const pinned = { publicOrigin: 'https://demo.example' };

    it('admits the page served from it', () => {
      expect(admits(pinned, { origin: 'https://demo.example', host: 'demo.example' })).toBe(true);
      expect(policy(pinned).ownOrigin(handshake({ host: 'anything' }))).toBe('https://demo.example');
    });

    it('refuses a DNS-rebinding host name, whose page is its own origin, with or without an Origin', () => {
      expect(
        admits(pinned, { origin: 'http://rebind.evil.example:3000', host: 'rebind.evil.example:3000' }),
      ).toBe(false);
      expect(policy(pinned).admit(handshake({ host: 'rebind.evil.example:3000' }))).toEqual({
        ok: false,
        reason: 'host not allowed',
      });
    });

    it('refuses a right Host with another scheme or port in the Origin', () => {
      expect(admits(pinned, { origin: 'http://demo.example', host: 'demo.example' })).toBe(false);
      expect(admits(pinned, { origin: 'https://demo.example:8443', host: 'demo.example' })).toBe(false);
    });

    it('takes the Host with the default port written out as the same host', () => {
      expect(policy(pinned).hostAllowed(handshake({ host: 'demo.example:443' }))).toBe(true);
      expect(policy(pinned).hostAllowed(handshake({ host: 'demo.example:80' }))).toBe(false);
      expect(policy(pinned).hostAllowed(handshake({}))).toBe(false);
    });
  });

  it('allows CORS for listed origins only', () => {
    const cors = policy({ allowed: ['https://board.example'] });
    expect(cors.corsAllows('https://board.example')).toBe(true);
    expect(cors.corsAllows('https://evil.example')).toBe(false);
    expect(policy({ allowed: ['*'] }).corsAllows('null')).toBe(false);
  });
});
