import {
  createChart,
  HistogramSeries,
  LineSeries,
  LineStyle,
  PriceScaleMode,
  type HistogramData,
  type IPriceLine,
  type ISeriesApi,
  type MouseEventParams,
  type SeriesType,
  type UTCTimestamp,
} from 'lightweight-charts';
import type { Bar } from '../lib/candles';
import { streamKey, type ChartBars } from '../lib/chart-bars';
import {
  DAY_SECONDS,
  firstChanged,
  heikinAshi,
  indicatorValues,
  type HeikinAshiBar,
} from '../lib/indicators';
import { toPrice, toQuantity, type Instrument } from '../lib/instrument';
import { isCalendarInterval } from '../lib/intervals';
import { showAlertLines } from './alert-lines';
import { addMainSeries, mainPoint, ticksToPrice } from './chart-series';
import { chartOptions, readTheme, type ChartTheme } from './chart-theme';
import { crosshairTimeFormatter, tickFormatter, zoneOf } from './chart-time';
import type { LegendHandle } from './ChartLegend';
import type { BarNeeds } from './bar-needs';
import type { CrosshairBus } from './crosshair-bus';
import { EDGE_BARS, watchHistory } from './history-pager';
import { chartOf, type ChartState, type MarketStore } from './store/market-store';
import type { ChartSlot, ChartType, Overlay, PreferencesStore } from './store/preferences-store';

/** Periods of the moving averages. */
const MA_PERIOD = 20;
/** How long a revised (historical) bar keeps the data-quality hint on "revised bar". */
const REVISED_HINT_MS = 5000;
/**
 * A chart following the newest bar holds at least this many (or what is in view, with room for the history
 * pager's edge) and gives back the oldest past it: the page stays bounded however long it is watched. The
 * history pager brings them back on a scroll.
 */
const LIVE_BARS = 500;
/** Bars added past the bound before the oldest go: one `setData` per this many new bars, not one a bar. */
const TRIM_SLACK = 100;

export interface ChartViewOptions {
  /** Carries the data- attributes that describe what is shown (for styling and automation). */
  host: HTMLElement;
  /** Where the chart draws. */
  canvas: HTMLElement;
  /** Where the data-quality hint is written. */
  quality: () => HTMLElement | null;
  market: MarketStore;
  preferences: PreferencesStore;
  /** Which chart of the layout this is. */
  index: number;
  crosshair: CrosshairBus;
  /** What the layout's charts need of their streams' bars, so a trim leaves each what it shows. */
  needs: BarNeeds;
  legend: () => LegendHandle | null;
  onError: (message: string) => void;
}

/** What the series hold right now. */
export interface Shown {
  chart: ChartBars;
  revision: number;
  instrument: Instrument;
  slot: ChartSlot;
}

export interface ChartHandle {
  /** Scrolls back to the newest bar. */
  scrollToNewest(): void;
  /** Removes the chart and stops every listener. */
  remove(): void;
}

/** How many of `bars` (ascending) are in the UTC day of the last one. */
function barsOfLastDay(bars: readonly Bar[]): number {
  const last = bars.at(-1);
  if (!last) return 0;
  const dayStart = Math.floor(last.time / DAY_SECONDS) * DAY_SECONDS;
  // Asked on every update: a binary search for the day's first bar, not a walk back over up to a day of bars.
  let low = 0;
  let high = bars.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((bars[middle] as Bar).time >= dayStart) high = middle;
    else low = middle + 1;
  }
  return bars.length - low;
}

function volumeBar(bar: Bar, instrument: Instrument, theme: ChartTheme): HistogramData<UTCTimestamp> {
  return {
    time: bar.time as number as UTCTimestamp,
    value: toQuantity(bar.volume, instrument),
    color: bar.close >= bar.open ? theme.upVolume : theme.downVolume,
  };
}

const SCALE_MODES = {
  normal: PriceScaleMode.Normal,
  log: PriceScaleMode.Logarithmic,
  percent: PriceScaleMode.Percentage,
};

/**
 * Draws chart `index` of the layout into a lightweight-charts chart and keeps it current without React: store
 * subscriptions replace the data when the stream's bars were replaced wholesale (`revision`) or the slot's
 * stream, type or overlays changed, and otherwise feed the bars the last frame changed to `series.update`,
 * with the overlays computed again from the first changed bar only.
 */
export function mountChart(options: ChartViewOptions): ChartHandle {
  const { host, canvas, market, preferences, index, crosshair, needs, legend, onError } = options;
  const theme = readTheme(host);
  const chart = createChart(canvas, chartOptions(theme));
  const timeScale = chart.timeScale();
  let mainType: ChartType = 'candles';
  let main: ISeriesApi<SeriesType> = addMainSeries(chart, mainType, theme);
  main.priceScale().applyOptions({ scaleMargins: { top: 0.1, bottom: 0.25 } });
  const volume = chart.addSeries(HistogramSeries, {
    priceScaleId: '',
    priceFormat: { type: 'volume' },
    lastValueVisible: false,
    priceLineVisible: false,
  });
  volume.priceScale().applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });

  let shown: Shown | undefined;
  let heikin: HeikinAshiBar[] = [];
  const overlays = new Map<Overlay, { series: ISeriesApi<'Line'>; values: number[] }>();
  let lastPrice: IPriceLine | undefined;
  let hovering = false;
  let revisedAt = 0;
  /** Takes the "revised bar" hint down when it has been shown long enough, on a stream quiet since. */
  let revisedTimer: ReturnType<typeof setTimeout> | undefined;
  let zoneKey = '';
  /** Scrolling back to the newest bar, asked for and not yet there. */
  let jumping = false;

  /**
   * Straight to the newest bar with its usual room on the right, not animated: an animation that new bars or a
   * busy main thread interrupt can stop short of it and leave the way back on offer.
   */
  const toNewest = () => timeScale.scrollToPosition(timeScale.options().rightOffset, false);

  const slot = () => preferences.getState().charts[index];

  const describe = () => {
    const bars = shown?.chart.bars;
    const data = host.dataset;
    const wanted = slot();
    data.state = shown ? 'ready' : wanted?.symbol === undefined ? 'empty' : 'loading';
    data.symbol = shown?.chart.symbol ?? wanted?.symbol ?? '';
    data.interval = shown?.chart.interval ?? wanted?.interval ?? '';
    data.type = wanted?.type ?? '';
    data.scale = wanted?.scale ?? '';
    data.overlays = [...overlays.keys()].join(' ');
    data.bars = String(bars?.length ?? 0);
    data.firstTime = String(bars?.[0]?.time ?? '');
    data.lastTime = String(bars?.at(-1)?.time ?? '');
  };

  /** live, stale, resynced N×, or revised bar, from the stream's state and the connection. */
  const describeQuality = (held: ChartState | undefined) => {
    const status = market.getState().status;
    const hint = !held
      ? ''
      : status !== 'live' || held.bars.stale
        ? 'stale'
        : Date.now() - revisedAt < REVISED_HINT_MS
          ? 'revised bar'
          : held.resyncs > 0
            ? `resynced ${held.resyncs}×`
            : 'live';
    if (host.dataset.quality !== hint) host.dataset.quality = hint;
    const element = options.quality();
    if (element && element.textContent !== hint) element.textContent = hint;
  };

  /** The stream this chart's slot asks for, as the store holds it. */
  const heldChart = () => {
    const wanted = slot();
    return wanted ? chartOf(market.getState(), wanted.symbol, wanted.interval) : undefined;
  };

  /**
   * A bar behind the newest changed: the hint says so at once (the update that revised it may be the stream's
   * last for a while) and for REVISED_HINT_MS, whether or not more updates come.
   */
  const noteRevised = () => {
    revisedAt = Date.now();
    describeQuality(heldChart());
    clearTimeout(revisedTimer);
    revisedTimer = setTimeout(() => {
      revisedTimer = undefined;
      // Over by the timer, whatever the wall clock reads now (it may have been set back).
      revisedAt = 0;
      describeQuality(heldChart());
    }, REVISED_HINT_MS);
  };

  const showBar = (at: number) => {
    const bars = shown?.chart.bars;
    legend()?.show(bars?.[at], bars?.[at - 1], shown?.instrument);
  };
  const showLastBar = () => showBar((shown?.chart.bars.length ?? 0) - 1);

  const alertOptions = () => ({
    chart,
    series: main,
    surface: canvas,
    host,
    preferences,
    shown: () => shown && { symbol: shown.chart.symbol, instrument: shown.instrument },
    color: theme.alert,
  });
  let alertLines = showAlertLines(alertOptions());

  /** Puts the series of the slot's type and overlays in place; true when any was created anew. */
  const arrange = (wanted: ChartSlot): boolean => {
    let created = false;
    if (mainType !== wanted.type) {
      mainType = wanted.type;
      alertLines.stop();
      if (lastPrice) main.removePriceLine(lastPrice);
      lastPrice = undefined;
      chart.removeSeries(main);
      main = addMainSeries(chart, wanted.type, theme);
      main.priceScale().applyOptions({ scaleMargins: { top: 0.1, bottom: 0.25 } });
      alertLines = showAlertLines(alertOptions());
      created = true;
    }
    main.priceScale().applyOptions({ mode: SCALE_MODES[wanted.scale] });
    for (const [overlay, held] of overlays) {
      if (wanted.overlays.includes(overlay)) continue;
      chart.removeSeries(held.series);
      overlays.delete(overlay);
    }
    wanted.overlays.forEach((overlay, n) => {
      if (overlays.has(overlay)) return;
      const series = chart.addSeries(LineSeries, {
        color: theme.overlays[n % theme.overlays.length] ?? theme.accent,
        lineWidth: overlay === 'volume-ma' ? 1 : 2,
        lastValueVisible: false,
        priceLineVisible: false,
        crosshairMarkerVisible: false,
        ...(overlay === 'volume-ma' ? { priceScaleId: '', priceFormat: { type: 'volume' as const } } : {}),
      });
      overlays.set(overlay, { series, values: [] });
      created = true;
    });
    return created;
  };

  const overlayPoint = (overlay: Overlay, time: Bar['time'], value: number, instrument: Instrument) =>
    Number.isNaN(value)
      ? { time: time as number as UTCTimestamp }
      : {
          time: time as number as UTCTimestamp,
          value: overlay === 'volume-ma' ? value * instrument.lotSize : ticksToPrice(value, instrument),
        };

  /** Computes the overlays and Heikin-Ashi bars again from bar `from` on. */
  const recompute = (bars: readonly Bar[], from: number, type: ChartSlot['type']) => {
    heikin = type === 'heikin-ashi' ? heikinAshi(bars, heikin, from) : [];
    for (const [overlay, held] of overlays) {
      const kind = overlay === 'volume-ma' ? 'volume-ma' : overlay;
      held.values = indicatorValues(kind, bars, MA_PERIOD, held.values, from);
    }
  };

  const replace = (next: ChartBars, instrument: Instrument, wanted: ChartSlot) => {
    const previous = shown;
    const sameStream = previous?.chart.symbol === next.symbol && previous.chart.interval === next.interval;
    main.applyOptions({
      priceFormat: { type: 'price', precision: instrument.precision, minMove: instrument.tickSize },
    });
    if (!sameStream) {
      // Another stream: the hint of a bar revised in the one before does not carry over.
      revisedAt = 0;
      clearTimeout(revisedTimer);
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
    for (const held of overlays.values()) held.values = [];
    heikin = [];
    recompute(next.bars, 0, wanted.type);
    main.setData(next.bars.map((bar, i) => mainPoint(wanted.type, bar, heikin[i], instrument)));
    volume.setData(next.bars.map((bar) => volumeBar(bar, instrument, theme)));
    for (const [overlay, held] of overlays) {
      held.series.setData(
        next.bars.map((bar, i) => overlayPoint(overlay, bar.time, held.values[i] ?? NaN, instrument)),
      );
    }
    if (jumping) {
      // On the way back to the newest bar: history landing meanwhile must not pull the view back.
      toNewest();
    } else if (range && previous && anchor !== undefined) {
      const shift = next.bars.findIndex((bar) => bar.time === anchor) - (previous.chart.bars.length - 1);
      const found = next.bars.some((bar) => bar.time === anchor);
      if (found && shift !== 0)
        timeScale.setVisibleLogicalRange({ from: range.from + shift, to: range.to + shift });
    } else if (!sameStream) {
      toNewest();
    }
  };

  /** Feeds changed bars to the series; false when one of them is new and not the newest (needs setData). */
  const patch = (
    previous: ChartBars,
    next: ChartBars,
    changed: readonly Bar[],
    instrument: Instrument,
    wanted: ChartSlot,
  ) => {
    const lastTime = previous.bars.at(-1)?.time ?? -Infinity;
    const appended = new Set(changed.filter((bar) => bar.time > lastTime).map((bar) => bar.time)).size;
    if (next.bars.length !== previous.bars.length + appended) return false;
    const from = firstChanged(previous.bars, next.bars);
    recompute(next.bars, from, wanted.type);
    const newest = lastTime;
    let revised = false;
    for (let i = from; i < next.bars.length; i++) {
      const bar = next.bars[i] as Bar;
      // A late trade can touch a bar behind the newest; lightweight-charts updates those only when told so.
      const historical = bar.time < newest;
      revised ||= historical;
      main.update(mainPoint(wanted.type, bar, heikin[i], instrument), historical);
      volume.update(volumeBar(bar, instrument, theme), historical);
      for (const [overlay, held] of overlays) {
        held.series.update(overlayPoint(overlay, bar.time, held.values[i] ?? NaN, instrument), historical);
      }
    }
    if (revised) noteRevised();
    return true;
  };

  /** The last-price line and its axis label: the quote's last price, whatever part of the chart is in view. */
  const showLastPrice = () => {
    const symbol = shown?.chart.symbol;
    const quote = symbol === undefined ? undefined : market.getState().book[symbol]?.quote;
    if (!shown || !quote) {
      if (lastPrice) main.removePriceLine(lastPrice);
      lastPrice = undefined;
      delete host.dataset.lastPrice;
      return;
    }
    const price = toPrice(quote.last, shown.instrument);
    if (host.dataset.lastPrice === String(price) && lastPrice) return;
    host.dataset.lastPrice = String(price);
    if (lastPrice) lastPrice.applyOptions({ price });
    else
      lastPrice = main.createPriceLine({
        price,
        color: theme.accent,
        lineWidth: 1,
        lineStyle: LineStyle.Dashed,
        axisLabelVisible: true,
        title: '',
      });
  };

  const applyTimeZone = (wanted: ChartSlot, instrument: Instrument | undefined) => {
    const choice = preferences.getState().timeZone;
    const zone = zoneOf(choice, instrument);
    const key = `${zone ?? 'local'} ${wanted.interval}`;
    if (key === zoneKey) return;
    zoneKey = key;
    host.dataset.timeZone = zone ?? 'local';
    chart.applyOptions({
      localization: { timeFormatter: crosshairTimeFormatter(zone, wanted.interval === '1s') },
      timeScale: { tickMarkFormatter: tickFormatter(zone) },
    });
  };

  const sync = () => {
    const wanted = slot();
    const state = market.getState();
    const held = wanted ? chartOf(state, wanted.symbol, wanted.interval) : undefined;
    const instrument = held && state.instruments[held.bars.symbol];
    if (wanted) applyTimeZone(wanted, instrument);
    describeQuality(held);
    if (!wanted || !held || !instrument) {
      if (shown) {
        main.setData([]);
        volume.setData([]);
        for (const o of overlays.values()) o.series.setData([]);
        shown = undefined;
        alertLines.refresh();
        showLastPrice();
        showLastBar();
      }
      describe();
      return;
    }
    if (
      shown?.chart === held.bars &&
      shown.instrument === instrument &&
      shown.revision === held.revision &&
      shown.slot === wanted
    ) {
      showLastPrice();
      onRange();
      return;
    }
    const rearranged = arrange(wanted);
    const wholesale =
      rearranged ||
      !shown ||
      shown.revision !== held.revision ||
      shown.instrument !== instrument ||
      shown.slot.type !== wanted.type ||
      !patch(shown.chart, held.bars, held.changed, instrument, wanted);
    const streamChanged = shown?.chart.symbol !== held.bars.symbol;
    if (wholesale) replace(held.bars, instrument, wanted);
    shown = { chart: held.bars, revision: held.revision, instrument, slot: wanted };
    if (streamChanged || rearranged) alertLines.refresh();
    showLastPrice();
    describe();
    onRange();
    if (!hovering) showLastBar();
    giveBackOldest();
  };

  /**
   * Says what this chart needs of its stream's bars (all of them while the trader looks back: scrolled, or on
   * the way back; otherwise what is in view and the pager's edge, with a VWAP its UTC day) and drops the
   * stream's oldest bars once it holds TRIM_SLACK more than every chart of the stream needs.
   */
  const giveBackOldest = () => {
    const range = timeScale.getVisibleLogicalRange();
    if (!shown || !range) return needs.remove(index);
    const { symbol, interval, bars } = shown.chart;
    const key = streamKey(shown.chart);
    const lookingBack = jumping || timeScale.scrollPosition() < -1;
    const inView = Math.max(LIVE_BARS, Math.ceil(range.to - range.from) + 2 * EDGE_BARS);
    // The VWAP adds up its UTC day from the day's first held bar: a trim inside the day would move the line.
    const need = shown.slot.overlays.includes('vwap') ? Math.max(inView, barsOfLastDay(bars)) : inView;
    needs.set(index, key, lookingBack ? undefined : need);
    const keep = needs.keepOf(key);
    if (keep === undefined || bars.length < keep + TRIM_SLACK) return;
    // After this update is drawn: the trim replaces the data, which calls this view again.
    queueMicrotask(() => market.getState().trimChart(symbol, interval, keep));
  };

  /** Whether a crosshair event is ours, being set from another chart's. */
  let following = false;
  const onCrosshairMove = (param: MouseEventParams) => {
    if (following) return;
    const at = param.logical === undefined ? -1 : Math.round(param.logical);
    const bar = shown?.chart.bars[at];
    hovering = param.point !== undefined && bar !== undefined;
    if (hovering) showBar(at);
    else showLastBar();
    crosshair.publish(index, hovering ? bar?.time : undefined);
  };
  chart.subscribeCrosshairMove(onCrosshairMove);
  const stopCrosshair = crosshair.subscribe((source, time) => {
    if (source === index) return;
    const bars = shown?.chart.bars;
    // This chart's bar that holds `time`: the last one starting at or before it.
    let at = -1;
    if (bars && time !== undefined)
      for (let i = bars.length - 1; i >= 0 && at === -1; i--) if ((bars[i] as Bar).time <= time) at = i;
    const bar = bars?.[at];
    following = true;
    if (bar && shown) {
      chart.setCrosshairPosition(
        toPrice(bar.close, shown.instrument),
        bar.time as number as UTCTimestamp,
        main,
      );
      host.dataset.crosshairTime = String(bar.time);
      showBar(at);
    } else {
      chart.clearCrosshairPosition();
      delete host.dataset.crosshairTime;
      showLastBar();
    }
    following = false;
  });

  const onRange = () => {
    // Scrolled back from the newest bar by more than a bar: offer the way back. Checked on every update too:
    // the scroll back to the newest bar is animated, and its last frame need not report a range change.
    const back = timeScale.scrollPosition() < -1;
    if (!back) jumping = false;
    const scrolled = shown !== undefined && back ? 'true' : 'false';
    if (host.dataset.scrolled !== scrolled) host.dataset.scrolled = scrolled;
    // The price scale follows what is in view, so the alert lines move on the screen with it.
    alertLines.place();
  };
  timeScale.subscribeVisibleLogicalRangeChange(onRange);

  const stopHistory = watchHistory({ timeScale, store: market, shown: () => shown, host, onError });
  const stopMarket = market.subscribe(sync);
  const stopPreferences = preferences.subscribe((state, previous) => {
    if (state.charts[index] !== previous.charts[index] || state.timeZone !== previous.timeZone) sync();
  });
  sync();

  return {
    scrollToNewest: () => {
      jumping = true;
      toNewest();
    },
    remove: () => {
      clearTimeout(revisedTimer);
      needs.remove(index);
      stopMarket();
      stopPreferences();
      stopHistory();
      stopCrosshair();
      alertLines.stop();
      timeScale.unsubscribeVisibleLogicalRangeChange(onRange);
      chart.unsubscribeCrosshairMove(onCrosshairMove);
      chart.remove();
    },
  };
}
