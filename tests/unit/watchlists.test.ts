import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  freeName,
  MAX_LINK_SYMBOLS,
  movedSymbol,
  parseSymbolsParam,
  symbolsQuery,
  withoutSymbol,
  withSymbol,
  type Watchlist,
} from '../../lib/watchlists';

const list = (...symbols: string[]): Watchlist => ({ id: 'l', name: 'List', symbols });

describe('watchlists', () => {
  it('adds a symbol at the end once, and removes it', () => {
    const a = list('AAPL', 'MSFT');
    expect(withSymbol(a, 'NVDA').symbols).toEqual(['AAPL', 'MSFT', 'NVDA']);
    expect(withSymbol(a, 'MSFT')).toBe(a);
    expect(withoutSymbol(a, 'AAPL').symbols).toEqual(['MSFT']);
    expect(withoutSymbol(a, 'TSLA')).toBe(a);
  });

  it('moves a symbol to an index of the resulting order, clamped to the list', () => {
    const a = list('A', 'B', 'C', 'D');
    expect(movedSymbol(a, 'A', 2).symbols).toEqual(['B', 'C', 'A', 'D']);
    expect(movedSymbol(a, 'D', 0).symbols).toEqual(['D', 'A', 'B', 'C']);
    expect(movedSymbol(a, 'B', -5).symbols).toEqual(['B', 'A', 'C', 'D']);
    expect(movedSymbol(a, 'B', 99).symbols).toEqual(['A', 'C', 'D', 'B']);
    expect(movedSymbol(a, 'C', 2)).toBe(a);
    expect(movedSymbol(a, 'Z', 0)).toBe(a);
  });

  it('keeps every symbol exactly once whatever the moves', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom('A', 'B', 'C', 'D', 'E', 'F'), { minLength: 1 }),
        fc.array(fc.tuple(fc.nat({ max: 5 }), fc.integer({ min: -2, max: 8 }))),
        (symbols, moves) => {
          let current = list(...symbols);
          for (const [which, to] of moves) {
            const symbol = symbols[which % symbols.length] as string;
            current = movedSymbol(current, symbol, to);
            expect(current.symbols.indexOf(symbol)).toBe(Math.max(0, Math.min(symbols.length - 1, to)));
          }
          expect([...current.symbols].sort()).toEqual([...symbols].sort());
        },
      ),
    );
  });

  it('finds a free name', () => {
    expect(freeName([list()], 'New list')).toBe('New list');
    expect(
      freeName(
        [
          { ...list(), name: 'New list' },
          { ...list(), name: 'New list 2' },
        ],
        'New list',
      ),
    ).toBe('New list 3');
  });

  it('reads a symbols link: upper-cased, deduplicated, in order, without junk', () => {
    expect(parseSymbolsParam('aapl, MSFT,,BTC-USD,msft,<script>')).toEqual(['AAPL', 'MSFT', 'BTC-USD']);
    expect(parseSymbolsParam(null)).toEqual([]);
    const many = Array.from({ length: 150 }, (_, i) => `S${i}`).join(',');
    expect(parseSymbolsParam(many)).toHaveLength(MAX_LINK_SYMBOLS);
  });

  it('reads the symbols a relay carries, with their venue and up to 24 characters', () => {
    expect(parseSymbolsParam('binance:btcusdt,COINBASE:AVAX-USD,FINNHUB:BRK.B,OANDA:EUR_USD')).toEqual([
      'BINANCE:BTCUSDT',
      'COINBASE:AVAX-USD',
      'FINNHUB:BRK.B',
      'OANDA:EUR_USD',
    ]);
    expect(parseSymbolsParam(`${'A'.repeat(24)},${'B'.repeat(25)}`)).toEqual(['A'.repeat(24)]);
  });

  it('writes the link that reads back as the same symbols', () => {
    const symbols = ['AAPL', 'BTC-USD', 'EURUSD', 'BINANCE:BTCUSDT'];
    const query = symbolsQuery(symbols);
    expect(query).toBe('?symbols=AAPL,BTC-USD,EURUSD,BINANCE%3ABTCUSDT');
    expect(parseSymbolsParam(new URLSearchParams(query).get('symbols'))).toEqual(symbols);
  });
});
