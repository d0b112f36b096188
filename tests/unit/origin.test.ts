import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { originAllowed } from '../../server/socket/origin';

const handshake = (headers: { origin?: string; host?: string }) => ({ headers }) as IncomingMessage;

describe('origin check', () => {
  it('lets a request without an Origin through (not a browser)', () => {
    expect(originAllowed(handshake({ host: 'board.example' }), ['https://board.example'])).toBe(true);
  });

  it('admits a listed origin and refuses any other when a list is set', () => {
    const allowed = ['https://board.example', 'https://staging.board.example'];
    expect(originAllowed(handshake({ origin: 'https://staging.board.example', host: 'feed' }), allowed)).toBe(
      true,
    );
    expect(originAllowed(handshake({ origin: 'https://evil.example', host: 'feed' }), allowed)).toBe(false);
    // Exact match: a different scheme or port is another origin.
    expect(originAllowed(handshake({ origin: 'http://board.example', host: 'feed' }), allowed)).toBe(false);
    expect(originAllowed(handshake({ origin: 'https://board.example:8443', host: 'feed' }), allowed)).toBe(
      false,
    );
  });

  it('refuses a foreign origin even when it matches the Host, once a list is set', () => {
    expect(
      originAllowed(handshake({ origin: 'http://feed:3000', host: 'feed:3000' }), ['https://board.example']),
    ).toBe(false);
  });

  it('admits any origin with *', () => {
    expect(originAllowed(handshake({ origin: 'https://anything.example', host: 'feed' }), ['*'])).toBe(true);
  });

  it('admits only the page’s own origin when no list is set', () => {
    expect(originAllowed(handshake({ origin: 'http://localhost:3000', host: 'localhost:3000' }), [])).toBe(
      true,
    );
    expect(originAllowed(handshake({ origin: 'http://localhost:4000', host: 'localhost:3000' }), [])).toBe(
      false,
    );
    expect(originAllowed(handshake({ origin: 'https://evil.example', host: 'localhost:3000' }), [])).toBe(
      false,
    );
  });

  it('refuses an Origin that is not a URL', () => {
    expect(originAllowed(handshake({ origin: 'null', host: 'localhost:3000' }), [])).toBe(false);
  });
});
