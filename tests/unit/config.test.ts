import { describe, expect, it } from 'vitest';
import { configWith, loadConfig } from '../../server/config';

describe('configuration', () => {
  it('starts from defaults when the environment sets nothing', () => {
    const config = loadConfig({});
    expect(config.PORT).toBeGreaterThan(0);
    expect(config.FLUSH_MS).toBeGreaterThanOrEqual(100);
    expect(config.FLUSH_MS).toBeLessThanOrEqual(250);
    expect(config.HISTORY_BARS).toBeGreaterThanOrEqual(500);
    expect(config.ALLOWED_ORIGINS).toEqual([]);
  });

  it('reads numbers from environment strings', () => {
    expect(loadConfig({ PORT: '8080', FLUSH_MS: '200', SIM_SEED: '42' })).toMatchObject({
      PORT: 8080,
      FLUSH_MS: 200,
      SIM_SEED: 42,
    });
  });

  it('reads SIM_START as an ISO time with its zone, in unix ms', () => {
    expect(loadConfig({ SIM_START: '2025-11-28T12:55:00-05:00' }).SIM_START).toBe(
      Date.UTC(2025, 10, 28, 17, 55),
    );
    expect(loadConfig({}).SIM_START).toBeUndefined();
  });

  it('splits ALLOWED_ORIGINS on commas, trimming blanks', () => {
    expect(
      loadConfig({ ALLOWED_ORIGINS: ' https://a.example , https://b.example,, ' }).ALLOWED_ORIGINS,
    ).toEqual(['https://a.example', 'https://b.example']);
  });

  it('reads the public-URL settings: origins with keywords, proxies as addresses and ranges', () => {
    expect(
      loadConfig({
        ALLOWED_ORIGINS: '!self, https://board.example:8443, http://[::1]:3000',
        PUBLIC_ORIGIN: 'https://demo.example',
        TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8, fd00::/8',
        AUTH_SECRET: 'x'.repeat(32),
      }),
    ).toMatchObject({
      ALLOWED_ORIGINS: ['!self', 'https://board.example:8443', 'http://[::1]:3000'],
      PUBLIC_ORIGIN: 'https://demo.example',
      TRUSTED_PROXIES: ['127.0.0.1', '10.0.0.0/8', 'fd00::/8'],
      AUTH_SECRET: 'x'.repeat(32),
    });
  });

  it('defaults to limits a trading desk behind one address stays under, and no auth', () => {
    expect(loadConfig({})).toMatchObject({
      MAX_CONNECTIONS_PER_IP: 100,
      HANDSHAKE_TIMEOUT_MS: 10_000,
      API_REQUESTS_PER_SECOND: 20,
      API_BARS_PER_SECOND: 10_000,
      AUTH_SECRET: '',
      PUBLIC_ORIGIN: '',
      TRUSTED_PROXIES: [],
    });
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['FLUSH_MS', '50'],
    ['FLUSH_MS', '1000'],
    ['HISTORY_BARS', '10'],
    ['SIM_SEED', '-1'],
    ['MAX_SUBSCRIPTIONS', '0'],
    ['LOG_LEVEL', 'loud'],
    ['SIM_START', 'next tuesday'],
    ['SIM_START', '2025-11-28T12:00:00'],
    ['ALLOWED_ORIGINS', 'board.example'],
    ['ALLOWED_ORIGINS', 'https://board.example/'],
    ['ALLOWED_ORIGINS', 'https://board.example/app'],
    ['ALLOWED_ORIGINS', 'https://*.example'],
    ['ALLOWED_ORIGINS', 'self,none'],
    ['PUBLIC_ORIGIN', 'demo.example'],
    ['PUBLIC_ORIGIN', 'https://demo.example/board'],
    ['PUBLIC_ORIGIN', 'ftp://demo.example'],
    ['TRUSTED_PROXIES', 'localhost'],
    ['TRUSTED_PROXIES', '10.0.0.0/33'],
    ['TRUSTED_PROXIES', '127.0.0.1,10.0.0.1/x'],
    ['MAX_CONNECTIONS_PER_IP', '0'],
    ['HANDSHAKE_TIMEOUT_MS', '10'],
    ['API_REQUESTS_PER_SECOND', '0'],
    ['API_BARS_PER_SECOND', '5'],
    ['AUTH_SECRET', 'short'],
  ])('refuses %s=%s with an error that names the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(
      new RegExp(`invalid configuration[\\s\\S]*\\b${name}\\b`),
    );
  });

  it('names every bad variable at once', () => {
    let message = '';
    try {
      loadConfig({ PORT: 'x', FLUSH_MS: '5', LOG_LEVEL: 'loud' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/PORT/);
    expect(message).toMatch(/FLUSH_MS/);
    expect(message).toMatch(/LOG_LEVEL/);
  });

  it('lets tests override single values over the defaults', () => {
    const config = configWith({ PORT: 0, MAX_SUBSCRIPTIONS: 3 });
    expect(config).toEqual({ ...loadConfig({}), PORT: 0, MAX_SUBSCRIPTIONS: 3 });
  });
});
