'use client';

import type { ChartType, Overlay, PriceScale } from './store/preferences-store';
import { boardSymbols } from './store/preferences-store';
import { usePreferences, usePreferencesStore } from './StoreProvider';
import { Choice, type Options } from './Choice';

const TYPES: Options<ChartType> = [
  ['candles', 'Candles'],
  ['bars', 'Bars'],
  ['line', 'Line'],
  ['area', 'Area'],
  ['heikin-ashi', 'Heikin-Ashi'],
];
const SCALES: Options<PriceScale> = [
  ['normal', 'Linear'],
  ['log', 'Log'],
  ['percent', 'Percent'],
];
const OVERLAYS: readonly [Overlay, string][] = [
  ['sma', 'SMA 20'],
  ['ema', 'EMA 20'],
  ['vwap', 'VWAP'],
  ['volume-ma', 'Volume MA 20'],
];

/** Chart `index`'s symbol, type, price scale and overlays. */
export function ChartTools({ index }: { index: number }) {
  const preferences = usePreferencesStore();
  const slot = usePreferences((s) => s.charts[index]);
  const symbols = usePreferences(boardSymbols);
  if (!slot) return null;
  const update = preferences.getState().updateChart;
  const choices =
    slot.symbol === undefined || symbols.includes(slot.symbol) ? symbols : [slot.symbol, ...symbols];

  return (
    <div className="chart-tools">
      <select
        aria-label="Symbol"
        value={slot.symbol ?? ''}
        onChange={(event) => update(index, { symbol: event.target.value })}
      >
        {choices.map((symbol) => (
          <option key={symbol}>{symbol}</option>
        ))}
      </select>
      <Choice
        label="Chart type"
        value={slot.type}
        options={TYPES}
        onChange={(value) => update(index, { type: value })}
      />
      <Choice
        label="Price scale"
        value={slot.scale}
        options={SCALES}
        onChange={(value) => update(index, { scale: value })}
      />
      <details className="overlays">
        <summary className="tool">Overlays</summary>
        <fieldset className="overlays-panel">
          <legend>Overlays</legend>
          {OVERLAYS.map(([value, label]) => (
            <label key={value}>
              <input
                type="checkbox"
                checked={slot.overlays.includes(value)}
                onChange={(event) =>
                  update(index, {
                    overlays: event.target.checked
                      ? [...slot.overlays, value]
                      : slot.overlays.filter((o) => o !== value),
                  })
                }
              />
              {label}
            </label>
          ))}
        </fieldset>
      </details>
    </div>
  );
}
