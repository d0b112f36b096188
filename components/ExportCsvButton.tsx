'use client';

import { barsToCsv } from '../lib/csv';
import { decimalBar } from '../lib/decimals';
import { chartOf } from './store/market-store';
import { useMarket, useMarketStore, usePreferences } from './StoreProvider';

/** Downloads the bars chart `index` holds (history scrolled in included) as CSV, in decimals. */
export function ExportCsvButton({ index }: { index: number }) {
  const store = useMarketStore();
  const slot = usePreferences((s) => s.charts[index]);
  const ready = useMarket((s) => {
    const held = slot && chartOf(s, slot.symbol, slot.interval);
    return held !== undefined && s.instruments[held.bars.symbol] !== undefined;
  });

  const download = () => {
    const state = store.getState();
    const chart = slot && chartOf(state, slot.symbol, slot.interval)?.bars;
    const instrument = chart && state.instruments[chart.symbol];
    if (!chart || !instrument) return;
    const csv = barsToCsv(chart.bars.map((bar) => decimalBar(bar, instrument)));
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
    link.download = `${chart.symbol}-${chart.interval}.csv`;
    link.click();
    URL.revokeObjectURL(link.href);
  };

  return (
    <button type="button" className="export-csv" disabled={!ready} onClick={download}>
      Export CSV
    </button>
  );
}
