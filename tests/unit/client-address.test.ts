import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { cameOverTls, clientAddress, limitKey, proxyTrust } from '../../server/http/client-address';

const request = (peer: string, headers: Record<string, string> = {}, encrypted = false) =>
  ({ headers, socket: { remoteAddress: peer, encrypted } }) as unknown as IncomingMessage;

describe('client address', () => {
  const proxies = proxyTrust(['127.0.0.1', '10.0.0.0/8', 'fd00::/8']);

  it('is the TCP peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(clientAddress(request('203.0.113.4', { 'x-forwarded-for': '198.51.100.1' }), proxyTrust([]))).toBe(
      '203.0.113.4',
    );
  });

  it('reads X-Forwarded-For from the right while the hop is a trusted proxy', () => {
    const chain = { 'x-forwarded-for': '192.0.2.66, 198.51.100.1, 10.1.2.3' };
    expect(clientAddress(request('127.0.0.1', chain), proxies)).toBe('198.51.100.1');
  });

  it('stops at an entry that is not an address', () => {
    expect(clientAddress(request('127.0.0.1', { 'x-forwarded-for': 'unknown' }), proxies)).toBe('127.0.0.1');
  });

  it('treats an IPv4 peer on a dual-stack socket as IPv4', () => {
    expect(clientAddress(request('::ffff:127.0.0.1', { 'x-forwarded-for': '198.51.100.1' }), proxies)).toBe(
      '198.51.100.1',
    );
    expect(clientAddress(request('::ffff:203.0.113.4'), proxies)).toBe('203.0.113.4');
  });

  it('trusts IPv6 ranges', () => {
    expect(clientAddress(request('fd12::1', { 'x-forwarded-for': '2001:db8::7' }), proxies)).toBe(
      '2001:db8::7',
    );
    expect(clientAddress(request('2001:db8::1', { 'x-forwarded-for': '2001:db8::7' }), proxies)).toBe(
      '2001:db8::1',
    );
  });
});

describe('came over TLS', () => {
  const proxies = proxyTrust(['127.0.0.1']);

  it('when the socket is TLS', () => {
    expect(cameOverTls(request('203.0.113.4', {}, true), proxies)).toBe(true);
  });

  it('when a trusted proxy says https, and only then', () => {
    expect(cameOverTls(request('127.0.0.1', { 'x-forwarded-proto': 'https' }), proxies)).toBe(true);
    expect(cameOverTls(request('127.0.0.1', { 'x-forwarded-proto': 'http' }), proxies)).toBe(false);
    expect(cameOverTls(request('203.0.113.4', { 'x-forwarded-proto': 'https' }), proxies)).toBe(false);
  });
});

describe('limit key', () => {
  it('is an IPv4 address itself', () => {
    expect(limitKey('198.51.100.7')).toBe('198.51.100.7');
  });

  it('is an IPv6 address’s /64, however it is written', () => {
    expect(limitKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(limitKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(limitKey('2001:0DB8:0001:0002::ffff')).toBe('2001:db8:1:2::/64');
    expect(limitKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(limitKey('::1')).toBe('0:0:0:0::/64');
    expect(limitKey('2001:db8:1:2::1')).not.toBe(limitKey('2001:db8:1:3::1'));
  });
});
