import { ColorType, CrosshairMode, LineStyle, type ChartOptions, type DeepPartial } from 'lightweight-charts';

/** The chart's colours, read from the page's CSS custom properties so the stylesheet stays the one palette. */
export interface ChartTheme {
  background: string;
  text: string;
  grid: string;
  border: string;
  crosshair: string;
  up: string;
  down: string;
  upVolume: string;
  downVolume: string;
  alert: string;
  accent: string;
  accentFill: string;
  overlays: readonly string[];
}

export function readTheme(element: HTMLElement): ChartTheme {
  const style = getComputedStyle(element);
  const value = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    background: value('--panel', '#131722'),
    text: value('--text-muted', '#8a93a6'),
    grid: value('--grid', '#1e2330'),
    border: value('--border', '#2a2f3d'),
    crosshair: value('--crosshair', '#5d6678'),
    up: value('--up', '#22ab94'),
    down: value('--down', '#f23645'),
    upVolume: value('--up-volume', 'rgba(34, 171, 148, 0.35)'),
    downVolume: value('--down-volume', 'rgba(242, 54, 69, 0.35)'),
    alert: value('--warn', '#f5a524'),
    accent: value('--accent', '#3d7cff'),
    accentFill: value('--accent-fill', 'rgba(61, 124, 255, 0.25)'),
    overlays: [
      value('--overlay-1', '#f5a524'),
      value('--overlay-2', '#c07dff'),
      value('--overlay-3', '#3fc1ff'),
      value('--overlay-4', '#9aa3b5'),
    ],
  };
}

export function chartOptions(theme: ChartTheme): DeepPartial<ChartOptions> {
  return {
    autoSize: true,
    layout: {
      background: { type: ColorType.Solid, color: theme.background },
      textColor: theme.text,
      fontSize: 11,
      fontFamily: 'inherit',
    },
    grid: {
      vertLines: { color: theme.grid },
      horzLines: { color: theme.grid },
    },
    crosshair: {
      mode: CrosshairMode.Normal,
      vertLine: { color: theme.crosshair, style: LineStyle.Dashed, labelBackgroundColor: theme.border },
      horzLine: { color: theme.crosshair, style: LineStyle.Dashed, labelBackgroundColor: theme.border },
    },
    rightPriceScale: { borderColor: theme.border },
    timeScale: { borderColor: theme.border, timeVisible: true, rightOffset: 6 },
  };
}
