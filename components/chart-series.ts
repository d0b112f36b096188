import {
  AreaSeries,
  BarSeries,
  CandlestickSeries,
  LineSeries,
  type IChartApi,
  type ISeriesApi,
  type SeriesType,
  type UTCTimestamp,
} from 'lightweight-charts';
import type { Bar } from '../lib/candles';
import type { HeikinAshiBar } from '../lib/indicators';
import { toPrice, type Instrument } from '../lib/instrument';
import type { ChartTheme } from './chart-theme';
import type { ChartType } from './store/preferences-store';

export type MainPoint =
  | { time: UTCTimestamp; open: number; high: number; low: number; close: number }
  | { time: UTCTimestamp; value: number };

/** Fractional ticks (an average, a Heikin-Ashi price) as a decimal price; not rounded to the tick. */
export const ticksToPrice = (value: number, instrument: Instrument) => value * instrument.tickSize;

/** The main series of a chart type; its own last-value label and line are off: the last-price line is ours. */
export function addMainSeries(chart: IChartApi, type: ChartType, theme: ChartTheme): ISeriesApi<SeriesType> {
  const common = { lastValueVisible: false, priceLineVisible: false } as const;
  switch (type) {
    case 'candles':
    case 'heikin-ashi':
      return chart.addSeries(CandlestickSeries, {
        ...common,
        upColor: theme.up,
        downColor: theme.down,
        borderUpColor: theme.up,
        borderDownColor: theme.down,
        wickUpColor: theme.up,
        wickDownColor: theme.down,
      });
    case 'bars':
      return chart.addSeries(BarSeries, { ...common, upColor: theme.up, downColor: theme.down });
    case 'line':
      return chart.addSeries(LineSeries, { ...common, color: theme.accent, lineWidth: 2 });
    case 'area':
      return chart.addSeries(AreaSeries, {
        ...common,
        lineColor: theme.accent,
        topColor: theme.accentFill,
        bottomColor: 'rgba(0, 0, 0, 0)',
        lineWidth: 2,
      });
  }
}

/** One bar as the main series of `type` draws it; Heikin-Ashi bars come computed. */
export function mainPoint(
  type: ChartType,
  bar: Bar,
  heikin: HeikinAshiBar | undefined,
  instrument: Instrument,
): MainPoint {
  const time = bar.time as number as UTCTimestamp;
  if (type === 'line' || type === 'area') return { time, value: toPrice(bar.close, instrument) };
  if (type === 'heikin-ashi' && heikin) {
    return {
      time,
      open: ticksToPrice(heikin.open, instrument),
      high: ticksToPrice(heikin.high, instrument),
      low: ticksToPrice(heikin.low, instrument),
      close: ticksToPrice(heikin.close, instrument),
    };
  }
  return {
    time,
    open: toPrice(bar.open, instrument),
    high: toPrice(bar.high, instrument),
    low: toPrice(bar.low, instrument),
    close: toPrice(bar.close, instrument),
  };
}
