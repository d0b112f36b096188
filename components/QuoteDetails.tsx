'use client';

import { toQuantity } from '../lib/instrument';
import type { Ticks } from '../lib/nominal';
import { NO_PRICE } from '../lib/quote';
import { formatChange, formatDecimal, formatPrice } from './format';
import { useMarket } from './StoreProvider';

const time = new Intl.DateTimeFormat('en-US', {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
  timeZone: 'UTC',
});

/** Where `value` sits between `low` and `high`, as a CSS percentage. */
function position(value: number, low: number, high: number): string {
  return `${high === low ? 50 : Math.min(100, Math.max(0, ((value - low) / (high - low)) * 100))}%`;
}

/** The selected symbol's quote in full, under the board: spread, previous close, the day's range. */
export function QuoteDetails({ ready }: { ready: boolean }) {
  const selected = useMarket((s) => s.selected);
  const symbol = ready ? selected : undefined;
  const instrument = useMarket((s) => (symbol === undefined ? undefined : s.instruments[symbol]));
  const quote = useMarket((s) => (symbol === undefined ? undefined : s.book[symbol]?.quote));
  if (!symbol || !instrument || !quote) return <aside className="details" aria-label="Quote details" />;

  // A source without quotes (Finnhub) gives no bid or ask: "—", and no spread.
  const quoted = quote.bid !== NO_PRICE && quote.ask !== NO_PRICE;
  const spread = (quote.ask - quote.bid) as Ticks;
  const volume = toQuantity(quote.volume, instrument);
  return (
    <aside className="details" aria-label={`Quote details ${symbol}`}>
      <h2 className="details-title">
        {symbol} <span>{instrument.name}</span>
      </h2>
      <dl className="details-grid">
        <div>
          <dt>Bid</dt>
          <dd className="num">{quote.bid === NO_PRICE ? '—' : formatPrice(quote.bid, instrument)}</dd>
        </div>
        <div>
          <dt>Ask</dt>
          <dd className="num">{quote.ask === NO_PRICE ? '—' : formatPrice(quote.ask, instrument)}</dd>
        </div>
        <div>
          <dt>Spread</dt>
          <dd className="num">
            {quoted ? (
              <>
                {formatChange(spread, instrument).replace('+', '')}{' '}
                <span className="muted">({spread} ticks)</span>
              </>
            ) : (
              '—'
            )}
          </dd>
        </div>
        <div>
          <dt>Prev close</dt>
          <dd className="num">{formatPrice(quote.prevClose, instrument)}</dd>
        </div>
        <div>
          <dt>Open</dt>
          <dd className="num">{formatPrice(quote.open, instrument)}</dd>
        </div>
        <div>
          <dt>Volume</dt>
          <dd className="num">{formatDecimal(volume, { precision: instrument.sizePrecision })}</dd>
        </div>
        <div>
          <dt>Tick size</dt>
          <dd className="num">{formatDecimal(instrument.tickSize, instrument)}</dd>
        </div>
        <div>
          <dt>Updated</dt>
          <dd className="num">{time.format(quote.time)} UTC</dd>
        </div>
      </dl>
      <p className="range-label">Day range</p>
      <div className="range">
        <span className="num">{formatPrice(quote.low, instrument)}</span>
        <div className="range-track">
          <span
            className="range-fill"
            style={{
              left: position(Math.min(quote.open, quote.last), quote.low, quote.high),
              right: `calc(100% - ${position(Math.max(quote.open, quote.last), quote.low, quote.high)})`,
            }}
            data-direction={quote.last >= quote.open ? 'up' : 'down'}
          />
          <span className="range-marker" style={{ left: position(quote.last, quote.low, quote.high) }} />
        </div>
        <span className="num">{formatPrice(quote.high, instrument)}</span>
      </div>
    </aside>
  );
}
