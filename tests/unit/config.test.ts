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
