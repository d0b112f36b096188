/**
 * Named watchlists as plain data, and the edits a trader makes to them. Every function returns new values and
 * leaves its arguments alone; the preferences store persists the result.
 */

export interface Watchlist {
  id: string;
  name: string;
  /** In the trader's order; no symbol twice. */
  symbols: readonly string[];
}

/** At most this many symbols travel in a shared link (the server's per-request limit is higher). */
export const MAX_LINK_SYMBOLS = 100;
/**
 * A symbol a link may carry: the simulator's (`BTC-USD`, `BRK.B`) and a relayed venue's (`COINBASE:AVAX-USD`,
 * Finnhub's `OANDA:EUR_USD`), as long as the server takes (24 characters).
 */
const SYMBOL = /^[A-Z0-9][A-Z0-9._\-/:]{0,23}$/;

/** The list with `symbol` at the end; unchanged when it is already there. */
export function withSymbol(list: Watchlist, symbol: string): Watchlist {
  return list.symbols.includes(symbol) ? list : { ...list, symbols: [...list.symbols, symbol] };
}

export function withoutSymbol(list: Watchlist, symbol: string): Watchlist {
  return list.symbols.includes(symbol)
    ? { ...list, symbols: list.symbols.filter((s) => s !== symbol) }
    : list;
}

/**
 * The list with `symbol` moved to `index` of the resulting order (clamped to the list); unchanged when the
 * symbol is not on it or is already there.
 */
export function movedSymbol(list: Watchlist, symbol: string, index: number): Watchlist {
  const from = list.symbols.indexOf(symbol);
  if (from === -1) return list;
  const rest = list.symbols.filter((s) => s !== symbol);
  const to = Math.max(0, Math.min(rest.length, Math.trunc(index)));
  if (to === from) return list;
  return { ...list, symbols: [...rest.slice(0, to), symbol, ...rest.slice(to)] };
}

/** A name not yet taken by `lists`: `base`, else `base 2`, `base 3`… */
export function freeName(lists: readonly Watchlist[], base: string): string {
  const taken = new Set(lists.map((list) => list.name));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base} ${n}`)) return `${base} ${n}`;
}

/**
 * The symbols of a `?symbols=` link: upper-cased, trimmed, deduplicated, in the link's order, without anything
 * that cannot be a symbol; at most MAX_LINK_SYMBOLS. Whether the server lists them is checked on subscribe.
 */
export function parseSymbolsParam(value: string | null | undefined): string[] {
  if (!value) return [];
  const out: string[] = [];
  for (const part of value.split(',')) {
    const symbol = part.trim().toUpperCase();
    if (SYMBOL.test(symbol) && !out.includes(symbol)) out.push(symbol);
    if (out.length === MAX_LINK_SYMBOLS) break;
  }
  return out;
}

/** The query string that opens exactly `symbols`: `?symbols=AAPL,MSFT,BTC-USD`. */
export function symbolsQuery(symbols: readonly string[]): string {
  return `?symbols=${symbols.slice(0, MAX_LINK_SYMBOLS).map(encodeURIComponent).join(',')}`;
}
