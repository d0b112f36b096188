import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';

describe('source configuration', () => {
  it('runs the simulator alone by default, stale after 5 s of silence', () => {
    expect(loadConfig({})).toMatchObject({ FEED: ['sim'], STALE_MS: 5000 });
  });

  it('reads FEED as a list of sources, each relay with about ten default symbols', () => {
    const config = loadConfig({ FEED: 'sim, binance,coinbase', COINBASE_SYMBOLS: 'BTC-USD, ETH-USD' });
    expect(config.FEED).toEqual(['sim', 'binance', 'coinbase']);
    expect(config.BINANCE_SYMBOLS).toHaveLength(10);
    expect(config.BINANCE_SYMBOLS).toContain('BTCUSDT');
    expect(config.COINBASE_SYMBOLS).toEqual(['BTC-USD', 'ETH-USD']);
    expect(config.BINANCE_WS_URL).toBe('wss://stream.binance.com:9443');
    expect(config.COINBASE_REST_URL).toBe('https://api.exchange.coinbase.com');
  });

  it('refuses an unknown source, naming FEED and the sources it may list', () => {
    expect(() => loadConfig({ FEED: 'sim,kraken' })).toThrow(/FEED[\s\S]*sim, binance, coinbase, finnhub/);
    expect(() => loadConfig({ FEED: ' , ' })).toThrow(/FEED/);
  });

  it('asks for FINNHUB_TOKEN when FEED includes finnhub, and only then', () => {
    expect(() => loadConfig({ FEED: 'finnhub' })).toThrow(
      /FINNHUB_TOKEN: is required when FEED includes finnhub/,
    );
    expect(loadConfig({ FEED: 'finnhub', FINNHUB_TOKEN: 'abc' }).FEED).toEqual(['finnhub']);
    expect(loadConfig({ FEED: 'binance' }).FINNHUB_TOKEN).toBe('');
  });

  it('refuses a base URL that is not ws(s) or http(s)', () => {
    expect(() => loadConfig({ BINANCE_WS_URL: 'ftp://example.com' })).toThrow(/BINANCE_WS_URL/);
  });
});
