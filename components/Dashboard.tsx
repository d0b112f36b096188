'use client';

import { ChartPanel } from './ChartPanel';
import { ConnectionBadge } from './ConnectionBadge';
import { MarketClock } from './MarketClock';
import { QuoteDetails } from './QuoteDetails';
import { ReplayBar } from './ReplayBar';
import { useMarketStore } from './StoreProvider';
import { SymbolSearch } from './SymbolSearch';
import { useMarketFeed } from './useMarketFeed';
import { Watchlist } from './Watchlist';

/** The terminal: top bar, quote board and chart. Live parts wait for the persisted state (see useMarketFeed). */
export function Dashboard() {
  const store = useMarketStore();
  const { hydrated, problem, report } = useMarketFeed(store);

  return (
    <div className="shell">
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          tickerboard
        </div>
        <SymbolSearch />
        <div className="topbar-end">
          {problem && (
            <p role="alert" className="problem">
              {problem}
            </p>
          )}
          <MarketClock />
          <ConnectionBadge />
        </div>
      </header>
      <ReplayBar />
      <main className="panes">
        <div className="side">
          <Watchlist ready={hydrated} />
          <QuoteDetails ready={hydrated} />
        </div>
        <ChartPanel ready={hydrated} onError={report} />
      </main>
    </div>
  );
}
