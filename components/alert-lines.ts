import {
  LineStyle,
  type IChartApi,
  type IPriceLine,
  type ISeriesApi,
  type SeriesType,
} from 'lightweight-charts';
import type { Alert } from '../lib/alerts';
import type { Instrument } from '../lib/instrument';
import type { PreferencesStore } from './store/preferences-store';

/** How near (px) the pointer must come to an alert's line to pick it up. */
const GRAB_PX = 6;

export interface AlertLinesOptions {
  chart: IChartApi;
  series: ISeriesApi<SeriesType>;
  /** The element the pointer is watched on (the chart's canvas container). */
  surface: HTMLElement;
  /** Counts the lines shown in `data-alert-lines`. */
  host: HTMLElement;
  preferences: PreferencesStore;
  /** The symbol and instrument the chart shows now. */
  shown: () => { symbol: string; instrument: Instrument } | undefined;
  color: string;
}

export interface AlertLines {
  /** Shows the alerts the preferences hold now for the chart's symbol. */
  refresh(): void;
  /** Writes where the lines are (`data-alert-y`, px from the canvas top, in the alerts' order) after the scale moved. */
  place(): void;
  stop(): void;
}

/**
 * The chart's price alerts as horizontal lines; a line can be dragged to a new level, which re-arms the
 * alert. Returns the function that removes the lines and the listeners.
 */
export function showAlertLines(options: AlertLinesOptions): AlertLines {
  const { chart, series, surface, host, preferences, shown, color } = options;
  const lines = new Map<string, { line: IPriceLine; level: number }>();
  let dragging: { id: string; level: number; pointerId: number } | undefined;

  const priceAlerts = (): Alert[] => {
    const symbol = shown()?.symbol;
    return preferences.getState().alerts.filter((a) => a.symbol === symbol && a.metric === 'price');
  };

  const refresh = () => {
    const wanted = priceAlerts();
    const ids = new Set(wanted.map((a) => a.id));
    for (const [id, held] of lines) {
      if (ids.has(id)) continue;
      series.removePriceLine(held.line);
      lines.delete(id);
    }
    for (const alert of wanted) {
      const title = `alert ${alert.direction}${alert.firedAt === undefined ? '' : ' (fired)'}`;
      const held = lines.get(alert.id);
      if (held) {
        if (dragging?.id !== alert.id) held.line.applyOptions({ price: alert.level, title });
        held.level = alert.level;
        continue;
      }
      const line = series.createPriceLine({
        price: alert.level,
        color,
        lineWidth: 1,
        lineStyle: LineStyle.Dotted,
        axisLabelVisible: true,
        title,
      });
      lines.set(alert.id, { line, level: alert.level });
    }
    host.dataset.alertLines = String(lines.size);
    place();
  };

  const place = () => {
    const ys = [...lines.values()].map((held) => {
      const y = series.priceToCoordinate(
        dragging && lines.get(dragging.id) === held ? dragging.level : held.level,
      );
      return y === null ? '' : String(Math.round(y));
    });
    const text = ys.join(' ');
    if (host.dataset.alertY !== text) host.dataset.alertY = text;
  };

  const yOf = (event: PointerEvent) => event.clientY - surface.getBoundingClientRect().top;
  // One pointer drags at a time: a second finger on the chart meanwhile neither takes the line nor moves it.
  const onDown = (event: PointerEvent) => {
    if (dragging) return;
    const y = yOf(event);
    for (const [id, held] of lines) {
      const lineY = series.priceToCoordinate(held.level);
      if (lineY === null || Math.abs(lineY - y) > GRAB_PX) continue;
      dragging = { id, level: held.level, pointerId: event.pointerId };
      chart.applyOptions({ handleScroll: false, handleScale: false });
      surface.setPointerCapture(event.pointerId);
      event.preventDefault();
      return;
    }
  };
  const onMove = (event: PointerEvent) => {
    if (dragging?.pointerId !== event.pointerId) return;
    const price = series.coordinateToPrice(yOf(event));
    const held = lines.get(dragging.id);
    if (price === null || !held) return;
    dragging.level = price;
    held.line.applyOptions({ price });
    place();
  };
  const onUp = (event: PointerEvent) => {
    if (dragging?.pointerId !== event.pointerId) return;
    const { id, level } = dragging;
    dragging = undefined;
    chart.applyOptions({ handleScroll: true, handleScale: true });
    const instrument = shown()?.instrument;
    const rounded = instrument
      ? Number((Math.round(level / instrument.tickSize) * instrument.tickSize).toFixed(instrument.precision))
      : level;
    preferences.getState().updateAlert(id, { level: rounded, firedAt: undefined });
  };
  // A finger's drag: with the chart's own scrolling off, nothing takes the touch's moves, so the browser would
  // take the gesture to scroll the page and cancel the pointer after its first move. The line's drag keeps it.
  const onTouchMove = (event: TouchEvent) => {
    if (dragging && event.cancelable) event.preventDefault();
  };
  surface.addEventListener('pointerdown', onDown, { capture: true });
  surface.addEventListener('pointermove', onMove);
  surface.addEventListener('pointerup', onUp);
  surface.addEventListener('pointercancel', onUp);
  // Capture lost without an up or a cancel (the element went, say): the drag ends there, or it would hold the
  // chart's scrolling off and every later grab.
  surface.addEventListener('lostpointercapture', onUp);
  surface.addEventListener('touchmove', onTouchMove, { passive: false });
  const stopPreferences = preferences.subscribe((state, previous) => {
    if (state.alerts !== previous.alerts) refresh();
  });

  return {
    refresh,
    place,
    stop: () => {
      stopPreferences();
      surface.removeEventListener('pointerdown', onDown, { capture: true });
      surface.removeEventListener('pointermove', onMove);
      surface.removeEventListener('pointerup', onUp);
      surface.removeEventListener('pointercancel', onUp);
      surface.removeEventListener('lostpointercapture', onUp);
      surface.removeEventListener('touchmove', onTouchMove);
      // Stopped mid-drag (the chart's type changed under the finger): the chart scrolls again.
      if (dragging) chart.applyOptions({ handleScroll: true, handleScale: true });
      dragging = undefined;
      for (const held of lines.values()) series.removePriceLine(held.line);
      lines.clear();
    },
  };
}
