'use client';

import { AlertsPanel } from './AlertsPanel';
import { AlertToasts } from './AlertToasts';
import { ChartGrid } from './ChartGrid';
import { ConnectionBadge } from './ConnectionBadge';
import { MarketClock } from './MarketClock';
import { PageControls } from './PageControls';
import { QuoteDetails } from './QuoteDetails';
import { ReplayBar } from './ReplayBar';
import { SymbolSearch } from './SymbolSearch';
import { useMarketFeed } from './useMarketFeed';
import { Watchlist } from './Watchlist';

/** The terminal: top bar, quote board and chart. Live parts wait for the persisted state (see useMarketFeed). */
export function Dashboard() {
  const { hydrated, problem, report } = useMarketFeed();

  return (
    <div className="shell">
      <header className="topbar">
        <h1 className="brand">
          <span className="brand-mark" aria-hidden="true" />
          tickerboard
        </h1>
        <SymbolSearch />
        <div className="topbar-end">
          {problem && (
            <p role="alert" className="problem">
              {problem}
            </p>
          )}
          <PageControls ready={hydrated} />
          <MarketClock />
          <ConnectionBadge />
        </div>
      </header>
      <ReplayBar />
      {/* In reading order, which every layout keeps on screen (and so in Tab order): the board, the charts, then
          the quote's details and the alerts; wide screens put the charts in a column of their own, to the right. */}
      <main className="panes">
        <Watchlist ready={hydrated} />
        <ChartGrid ready={hydrated} onError={report} />
        <QuoteDetails ready={hydrated} />
        <AlertsPanel />
      </main>
      <nav className="jump-bar" aria-label="Sections">
        <a href="#board">Board</a>
        <a href="#charts">Chart</a>
        <a href="#alerts">Alerts</a>
      </nav>
      <AlertToasts ready={hydrated} />
    </div>
  );
}
