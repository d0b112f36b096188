'use client';

import { barsToCsv } from '../lib/csv';
import { decimalBar } from '../lib/decimals';
import { useMarket, useMarketStore } from './StoreProvider';

/** Downloads the bars the chart holds (history scrolled in included) as CSV, in decimals. */
export function ExportCsvButton() {
  const store = useMarketStore();
  const ready = useMarket((s) => s.chart !== undefined && s.instruments[s.chart.symbol] !== undefined);

  const download = () => {
    const { chart, instruments } = store.getState();
    const instrument = chart && instruments[chart.symbol];
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
