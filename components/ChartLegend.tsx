'use client';

import { useImperativeHandle, useRef, type Ref } from 'react';
import type { Bar } from '../lib/candles';
import { toPrice, toQuantity, type Instrument } from '../lib/instrument';
import { arrowOf, directionOf, formatDecimal, formatPercent, formatQuantity } from './format';

/** What the chart tells its legend to show; written straight to the DOM, no render. */
export interface LegendHandle {
  /** Shows `bar` with its change from `previous` (or from its own open for the first bar); clears on undefined. */
  show(bar: Bar | undefined, previous: Bar | undefined, instrument: Instrument | undefined): void;
}

const FIELDS = ['O', 'H', 'L', 'C', 'V'] as const;
type Field = (typeof FIELDS)[number];

/**
 * The O H L C V line over the chart. The crosshair moves many times a frame, so the chart writes through this
 * handle into text nodes rather than through React state.
 */
export function ChartLegend({ ref }: { ref: Ref<LegendHandle> }) {
  const root = useRef<HTMLDivElement>(null);
  const values = useRef<Partial<Record<Field | 'change', HTMLSpanElement | null>>>({});

  useImperativeHandle(
    ref,
    () => ({
      show(bar, previous, instrument) {
        const fields = values.current;
        if (!bar || !instrument) {
          root.current?.setAttribute('data-empty', 'true');
          return;
        }
        root.current?.removeAttribute('data-empty');
        const price = (ticks: Bar['close']) => formatDecimal(toPrice(ticks, instrument), instrument);
        const texts: Record<Field, string> = {
          O: price(bar.open),
          H: price(bar.high),
          L: price(bar.low),
          C: price(bar.close),
          V: formatQuantity(toQuantity(bar.volume, instrument)),
        };
        for (const field of FIELDS) {
          const span = fields[field];
          if (span) span.textContent = texts[field];
        }
        const base = previous?.close ?? bar.open;
        const change = bar.close - base;
        const direction = directionOf(change);
        const percent = base === 0 ? 0 : (change / base) * 100;
        const span = fields.change;
        if (span) {
          const sign = change > 0 ? '+' : change < 0 ? '\u2212' : '';
          span.textContent = `${arrowOf(direction)} ${sign}${formatDecimal(Math.abs(toPrice(change as Bar['close'], instrument)), instrument)} (${formatPercent(percent)})`;
          span.className = `legend-change ${direction}`;
        }
        root.current?.setAttribute('data-direction', directionOf(bar.close - bar.open));
      },
    }),
    [],
  );

  return (
    <div ref={root} className="legend" data-empty="true">
      {FIELDS.map((field) => (
        <span key={field} className="legend-item">
          <span className="legend-key">{field}</span>
          <span
            className="legend-value num"
            ref={(span) => {
              values.current[field] = span;
            }}
          />
        </span>
      ))}
      <span
        className="legend-change"
        ref={(span) => {
          values.current.change = span;
        }}
      />
    </div>
  );
}
