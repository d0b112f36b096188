'use client';

import { useMarket } from './StoreProvider';
import { WatchlistRow } from './WatchlistRow';

/**
 * The quote board. It subscribes to the list of symbols only; each row follows its own quote.
 * `ready` holds the rows back until the persisted watchlist is loaded, so the defaults never flash by.
 */
export function Watchlist({ ready }: { ready: boolean }) {
  const watchlist = useMarket((s) => s.watchlist);
  const symbols = ready ? watchlist : [];

  return (
    <div className="board">
      <table aria-label="Watchlist">
        <thead>
          <tr>
            <th scope="col" className="symbol">
              Symbol
            </th>
            <th scope="col" className="num">
              Last
            </th>
            <th scope="col" className="num">
              <abbr title="Change">Chg</abbr>
            </th>
            <th scope="col" className="num">
              <abbr title="Change in percent">Chg %</abbr>
            </th>
            <th scope="col" className="num wide">
              Bid
            </th>
            <th scope="col" className="num wide">
              Ask
            </th>
            <th scope="col" className="num">
              Volume
            </th>
            <th scope="col" className="actions">
              <span className="visually-hidden">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {symbols.map((symbol) => (
            <WatchlistRow key={symbol} symbol={symbol} />
          ))}
        </tbody>
      </table>
      {ready && watchlist.length === 0 && (
        <p className="board-empty">
          The watchlist is empty. Press <kbd>/</kbd> to add a symbol.
        </p>
      )}
    </div>
  );
}
