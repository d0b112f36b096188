import {
  CandlestickSeries,
  createChart,
  HistogramSeries,
  type CandlestickData,
  type HistogramData,
  type MouseEventParams,
  type UTCTimestamp,
} from 'lightweight-charts';
import type { Bar } from '../lib/candles';
import type { ChartBars } from '../lib/chart-bars';
import { toPrice, toQuantity, type Instrument } from '../lib/instrument';
import { isCalendarInterval } from '../lib/intervals';
import { chartOptions, readTheme, type ChartTheme } from './chart-theme';
import type { LegendHandle } from './ChartLegend';
import { watchHistory } from './history-pager';
import type { MarketState, MarketStore } from './store/market-store';

export interface ChartViewOptions {
  /** Carries the data- attributes that describe what is shown (for styling and automation). */
  host: HTMLElement;
  /** Where the chart draws. */
  canvas: HTMLElement;
  store: MarketStore;
  legend: () => LegendHandle | null;
  onError: (message: string) => void;
}

/** What the series hold right now. */
export interface Shown {
  chart: ChartBars;
  revision: number;
  instrument: Instrument;
}

function candle(bar: Bar, instrument: Instrument): CandlestickData<UTCTimestamp> {
  return {
    time: bar.time as number as UTCTimestamp,
    open: toPrice(bar.open, instrument),
    high: toPrice(bar.high, instrument),
    low: toPrice(bar.low, instrument),
    close: toPrice(bar.close, instrument),
  };
}

function volumeBar(bar: Bar, instrument: Instrument, theme: ChartTheme): HistogramData<UTCTimestamp> {
  return {
    time: bar.time as number as UTCTimestamp,
    value: toQuantity(bar.volume, instrument),
    color: bar.close >= bar.open ? theme.upVolume : theme.downVolume,
  };
}

/** The chart of the selected symbol and interval, once its stream's bars have arrived. */
function currentChart(state: MarketState): ChartBars | undefined {
  const { chart } = state;
  return chart && chart.symbol === state.selected && chart.interval === state.interval ? chart : undefined;
}

/**
 * Draws the store's chart into a lightweight-charts chart and keeps it current without React: a store
 * subscription replaces the data when the bars were replaced wholesale (`chartRevision`) and otherwise feeds
 * the bars the last frame changed to `series.update`. Returns the function that removes the chart and stops
 * every listener.
 */
export function mountChart({ host, canvas, store, legend, onError }: ChartViewOptions): () => void {
  const theme = readTheme(host);
  const chart = createChart(canvas, chartOptions(theme));
  const candles = chart.addSeries(CandlestickSeries, {
    upColor: theme.up,
    downColor: theme.down,
    borderUpColor: theme.up,
    borderDownColor: theme.down,
    wickUpColor: theme.up,
    wickDownColor: theme.down,
  });
  candles.priceScale().applyOptions({ scaleMargins: { top: 0.1, bottom: 0.25 } });
  const volume = chart.addSeries(HistogramSeries, {
    priceScaleId: '',
    priceFormat: { type: 'volume' },
    lastValueVisible: false,
    priceLineVisible: false,
  });
  volume.priceScale().applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
  const timeScale = chart.timeScale();

  let shown: Shown | undefined;
  let hovering = false;

  const describe = () => {
    const bars = shown?.chart.bars;
    const data = host.dataset;
    data.state = shown ? 'ready' : store.getState().selected === undefined ? 'empty' : 'loading';
    data.symbol = shown?.chart.symbol ?? store.getState().selected ?? '';
    data.interval = shown?.chart.interval ?? store.getState().interval;
    data.bars = String(bars?.length ?? 0);
    data.firstTime = String(bars?.[0]?.time ?? '');
    data.lastTime = String(bars?.at(-1)?.time ?? '');
  };

  const showBar = (index: number) => {
    const bars = shown?.chart.bars;
    legend()?.show(bars?.[index], bars?.[index - 1], shown?.instrument);
  };
  const showLastBar = () => showBar((shown?.chart.bars.length ?? 0) - 1);

  const replace = (next: ChartBars, instrument: Instrument) => {
    const previous = shown;
    const sameStream = previous?.chart.symbol === next.symbol && previous.chart.interval === next.interval;
    if (previous?.instrument !== instrument) {
      candles.applyOptions({
        priceFormat: { type: 'price', precision: instrument.precision, minMove: instrument.tickSize },
      });
    }
    if (!sameStream) {
      chart.applyOptions({
        timeScale: {
          timeVisible: !isCalendarInterval(next.interval),
          secondsVisible: next.interval === '1s',
        },
      });
    }
    // Anchor on the bar that was newest: bars put in front of it (history) or dropped (a resync) move its
    // logical index, and the visible range must move with it or the view would jump.
    const range = sameStream ? timeScale.getVisibleLogicalRange() : null;
    const anchor = previous?.chart.bars.at(-1)?.time;
    candles.setData(next.bars.map((bar) => candle(bar, instrument)));
    volume.setData(next.bars.map((bar) => volumeBar(bar, instrument, theme)));
    if (range && previous && anchor !== undefined) {
      const shift = next.bars.findIndex((bar) => bar.time === anchor) - (previous.chart.bars.length - 1);
      const found = next.bars.some((bar) => bar.time === anchor);
      if (found && shift !== 0)
        timeScale.setVisibleLogicalRange({ from: range.from + shift, to: range.to + shift });
    } else if (!sameStream) {
      timeScale.scrollToRealTime();
    }
  };

  /** Feeds changed bars to the series; false when one of them is new and not the newest (needs setData). */
  const patch = (previous: ChartBars, next: ChartBars, changed: readonly Bar[], instrument: Instrument) => {
    const lastTime = previous.bars.at(-1)?.time ?? -Infinity;
    const appended = new Set(changed.filter((bar) => bar.time > lastTime).map((bar) => bar.time)).size;
    if (next.bars.length !== previous.bars.length + appended) return false;
    let newest = lastTime;
    for (const bar of changed) {
      // A late trade can touch a bar behind the newest; lightweight-charts updates those only when told so.
      const historical = bar.time < newest;
      candles.update(candle(bar, instrument), historical);
      volume.update(volumeBar(bar, instrument, theme), historical);
      if (bar.time > newest) newest = bar.time;
    }
    return true;
  };

  const sync = (state: MarketState) => {
    const next = currentChart(state);
    const instrument = next && state.instruments[next.symbol];
    if (!next || !instrument) {
      if (shown) {
        candles.setData([]);
        volume.setData([]);
        shown = undefined;
        showLastBar();
      }
      describe();
      return;
    }
    if (shown?.chart === next && shown.instrument === instrument && shown.revision === state.chartRevision)
      return;
    const wholesale =
      !shown ||
      shown.revision !== state.chartRevision ||
      shown.instrument !== instrument ||
      !patch(shown.chart, next, state.chartChanged, instrument);
    if (wholesale) replace(next, instrument);
    shown = { chart: next, revision: state.chartRevision, instrument };
    describe();
    if (!hovering) showLastBar();
  };

  const onCrosshairMove = (param: MouseEventParams) => {
    const index = param.logical === undefined ? -1 : Math.round(param.logical);
    hovering = param.point !== undefined && shown?.chart.bars[index] !== undefined;
    if (hovering) showBar(index);
    else showLastBar();
  };
  chart.subscribeCrosshairMove(onCrosshairMove);

  const stopHistory = watchHistory({ timeScale, store, shown: () => shown, host, onError });
  const unsubscribe = store.subscribe(sync);
  sync(store.getState());

  return () => {
    unsubscribe();
    stopHistory();
    chart.unsubscribeCrosshairMove(onCrosshairMove);
    chart.remove();
  };
}
