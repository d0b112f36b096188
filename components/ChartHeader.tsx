'use client';

import { ticks } from '../lib/nominal';
import { quoteChange, quoteChangePercent } from '../lib/quote';
import { FeedBadge } from './FeedBadge';
import { arrowOf, directionOf, formatChange, formatPercent, formatPrice, formatVolume } from './format';
import { useMarket } from './StoreProvider';

/** The selected symbol's name, last price, change on the day and the day's range, above its chart. */
export function ChartHeader({ symbol }: { symbol: string }) {
  const instrument = useMarket((s) => s.instruments[symbol]);
  const quote = useMarket((s) => s.book[symbol]?.quote);
  const feed = useMarket((s) => s.feeds[symbol]);
  const change = quote ? quoteChange(quote) : ticks(0);
  const direction = directionOf(change);

  return (
    <header className="chart-header" data-stale={feed?.status === 'stale' ? 'true' : undefined}>
      <div className="chart-title">
        <h2>{symbol}</h2>
        <span className="chart-name">{instrument?.name}</span>
        <FeedBadge feed={feed} />
        {instrument && (
          <span className="chart-tag">
            {instrument.assetClass}
            {instrument.currency && ` · ${instrument.currency}`}
          </span>
        )}
      </div>
      {quote && instrument && (
        <div className="chart-quote">
          <span className="chart-last num">{formatPrice(quote.last, instrument)}</span>
          <span className={`chart-change num ${direction}`}>
            <span aria-hidden="true">{arrowOf(direction)} </span>
            {formatChange(change, instrument)} ({formatPercent(quoteChangePercent(quote))})
          </span>
          <dl className="chart-day">
            <div>
              <dt>Open</dt>
              <dd className="num">{formatPrice(quote.open, instrument)}</dd>
            </div>
            <div>
              <dt>High</dt>
              <dd className="num">{formatPrice(quote.high, instrument)}</dd>
            </div>
            <div>
              <dt>Low</dt>
              <dd className="num">{formatPrice(quote.low, instrument)}</dd>
            </div>
            <div>
              <dt>Vol</dt>
              <dd className="num">{formatVolume(quote.volume, instrument)}</dd>
            </div>
          </dl>
        </div>
      )}
    </header>
  );
}
