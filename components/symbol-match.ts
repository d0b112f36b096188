import type { Instrument } from '../lib/instrument';

/**
 * Instruments matching a typed query, best first: symbols that start with it (shortest symbol first, so `V`
 * finds Visa before VOO; a relayed symbol also by its venue's spelling), then names that contain it. Case-insensitive; an empty query matches nothing.
 */
export function matchInstruments(instruments: Iterable<Instrument>, query: string, limit = 8): Instrument[] {
  const needle = query.trim().toUpperCase();
  if (needle === '') return [];
  const bySymbol: Instrument[] = [];
  const byName: Instrument[] = [];
  for (const instrument of instruments) {
    const symbol = instrument.symbol.toUpperCase();
    // A relayed symbol is found by the venue's own spelling too: BTCUSDT finds BINANCE:BTCUSDT.
    const venueSpelling = symbol.slice(symbol.indexOf(':') + 1);
    if (symbol.startsWith(needle) || venueSpelling.startsWith(needle)) bySymbol.push(instrument);
    else if (instrument.name.toUpperCase().includes(needle)) byName.push(instrument);
  }
  bySymbol.sort((a, b) => a.symbol.length - b.symbol.length || a.symbol.localeCompare(b.symbol));
  return [...bySymbol, ...byName].slice(0, limit);
}
