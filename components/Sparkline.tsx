'use client';

import { useLayoutEffect, useRef } from 'react';
import { dayKeyOf } from '../lib/calendar/sessions';
import type { Ticks } from '../lib/nominal';
import { useMarket } from './StoreProvider';

/** Points kept at most: the day's series and the live tail after it. */
const POINTS = 240;
const SAMPLE_MS = 1000;
/** With the day's series in, the live tail keeps one point per bar of it (5m), the latest price in each. */
const BUCKET_MS = 5 * 60_000;
const WIDTH = 64;
const HEIGHT = 18;

/**
 * A row's price over its trading day as an SVG line: the day's closes from the server (`intraday` in the market
 * store, from GET /api/sparklines), extended by the live last price, sampled once a second. Until the day's
 * series is in, the line starts from the prices seen since the page opened; when the next trading day begins,
 * it starts again from nothing (see intraday-loader.ts). The points are kept in refs and written straight to
 * the path in a layout effect, so a tick costs one attribute write, not a second render. `data-day` names the
 * trading day drawn (YYYY-MM-DD).
 */
export function Sparkline({ symbol, value }: { symbol: string; value: number | undefined }) {
  const series = useMarket((s) => s.intraday[symbol]);
  const day = series?.closes;
  const line = useRef<SVGPathElement>(null);
  /** Live points after the day's series: the time each was sampled (ms) and the price. */
  const tail = useRef<{ at: number; value: number }[]>([]);
  const sampled = useRef(0);
  const dayAt = useRef(0);

  useLayoutEffect(() => {
    // A new day's series supersedes the tail seen before it came.
    dayAt.current = performance.now();
    tail.current = [];
    sampled.current = 0;
  }, [day]);

  useLayoutEffect(() => {
    if (value === undefined && day === undefined) return;
    // Redrawn once a second, not on every tick: a hundred rows of SVG each repainted four times a second
    // would cost more than the rest of the row.
    const now = performance.now();
    if (now - sampled.current < SAMPLE_MS) return;
    sampled.current = now;
    const live = tail.current;
    if (value !== undefined) {
      const last = live.at(-1);
      // With the day's series, a sample in the same 5m bucket as the previous one replaces it.
      const sameBucket =
        day !== undefined &&
        last !== undefined &&
        Math.floor((last.at - dayAt.current) / BUCKET_MS) === Math.floor((now - dayAt.current) / BUCKET_MS);
      if (sameBucket) last.value = value;
      else if (last?.value !== value || day !== undefined) live.push({ at: now, value });
    }
    // The day's newest close is the bar the first live sample lands in: the sample replaces it.
    const kept = [...(day ?? []).slice(0, live.length > 0 ? -1 : undefined), ...live.map((p) => p.value)];
    if (kept.length > POINTS) kept.splice(0, kept.length - POINTS);
    draw(line.current, kept);
  }, [value, day]);

  return (
    <svg
      className="spark"
      width={WIDTH}
      height={HEIGHT}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      aria-hidden="true"
      data-day={series?.day == null ? undefined : dayKeyOf(series.day)}
    >
      <path ref={line} fill="none" strokeWidth="1.2" />
    </svg>
  );
}

/**
 * A path, not a polyline: Chromium keeps a polyline's points as one object each (thousands for a full board,
 * growing as lines are redrawn), a path's data as one string.
 */
function draw(line: SVGPathElement | null, kept: readonly (number | Ticks)[]) {
  if (!line) return;
  if (kept.length === 0) {
    // A new day with no price yet: yesterday's line goes.
    line.removeAttribute('d');
    return;
  }
  const low = Math.min(...kept);
  const high = Math.max(...kept);
  const span = high - low || 1;
  const step = kept.length > 1 ? WIDTH / (kept.length - 1) : 0;
  line.setAttribute(
    'd',
    kept
      .map(
        (v, i) =>
          `${i === 0 ? 'M' : 'L'}${(i * step).toFixed(1)},${(HEIGHT - ((v - low) / span) * HEIGHT).toFixed(1)}`,
      )
      .join(''),
  );
  const first = kept[0] ?? 0;
  line.setAttribute('data-direction', (kept.at(-1) ?? first) >= first ? 'up' : 'down');
}
