import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';

/** Whether an address is one of the configured proxies, whose forwarding headers are believed. */
export type ProxyTrust = (address: string) => boolean;

/** `::ffff:1.2.3.4` (an IPv4 peer on a dual-stack socket) is 1.2.3.4. */
export function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped?.[1] ?? address;
}

/**
 * What the per-address limits count an address as: an IPv4 address itself, an IPv6 address by its /64 (the block
 * one subscriber is handed, so one machine cannot step around a limit by changing the low 64 bits).
 */
export function limitKey(address: string): string {
  if (isIP(address) !== 6) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const left = head === '' ? [] : head.split(':');
  const right = address.includes('::') ? (tail === '' ? [] : tail.split(':')) : [];
  // An embedded IPv4 tail counts as one group here: it lies in the low 64 bits, which are dropped anyway.
  const groups = [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** The trust for TRUSTED_PROXIES' entries (addresses and CIDR ranges, both families; validated by the config). */
export function proxyTrust(entries: readonly string[]): ProxyTrust {
  if (entries.length === 0) return () => false;
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', bits] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  return (address) => {
    const plain = normalizeAddress(address);
    const family = isIP(plain);
    return family !== 0 && list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
  };
}

/** The TCP peer's address, normalized; empty once the socket is gone. */
export function peerAddress(request: IncomingMessage): string {
  return normalizeAddress(request.socket.remoteAddress ?? '');
}

function headerList(value: string | string[] | undefined): string[] {
  const joined = Array.isArray(value) ? value.join(',') : (value ?? '');
  return joined
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
}

/**
 * The address a request came from: the TCP peer, or, while that is a trusted proxy, the address it says it
 * forwarded for (X-Forwarded-For, read from the right: each proxy appends its own peer). Entries a client wrote
 * itself sit left of the first untrusted address and are never read.
 */
export function clientAddress(request: IncomingMessage, trusted: ProxyTrust): string {
  let address = peerAddress(request);
  const forwarded = headerList(request.headers['x-forwarded-for']);
  while (trusted(address) && forwarded.length > 0) {
    const next = normalizeAddress(forwarded.pop() ?? '');
    if (isIP(next) === 0) break;
    address = next;
  }
  return address;
}

/** Whether the browser's request came over TLS: to this server, or to a trusted proxy saying so. */
export function cameOverTls(request: IncomingMessage, trusted: ProxyTrust): boolean {
  if ((request.socket as Partial<TLSSocket>).encrypted === true) return true;
  if (!trusted(peerAddress(request))) return false;
  return headerList(request.headers['x-forwarded-proto'])[0]?.toLowerCase() === 'https';
}
