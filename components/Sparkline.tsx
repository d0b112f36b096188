'use client';

import { useLayoutEffect, useRef } from 'react';

/** Prices kept per row, one a second at most: the last four minutes. */
const POINTS = 240;
const SAMPLE_MS = 1000;
const WIDTH = 64;
const HEIGHT = 18;

/**
 * The recent path of a row's last price as an SVG line, sampled once a second. The points are kept in a ref and written straight to
 * the path in a layout effect, so a tick costs one attribute write, not a second render.
 */
export function Sparkline({ value }: { value: number | undefined }) {
  const line = useRef<SVGPathElement>(null);
  const points = useRef<number[]>([]);
  const sampled = useRef(0);

  useLayoutEffect(() => {
    if (value === undefined) return;
    // Redrawn once a second, not on every tick: a hundred rows of SVG each repainted four times a second
    // would cost more than the rest of the row.
    const now = performance.now();
    if (now - sampled.current < SAMPLE_MS) return;
    sampled.current = now;
    const kept = points.current;
    if (kept.at(-1) !== value) kept.push(value);
    if (kept.length > POINTS) kept.splice(0, kept.length - POINTS);
    const low = Math.min(...kept);
    const high = Math.max(...kept);
    const span = high - low || 1;
    const step = kept.length > 1 ? WIDTH / (kept.length - 1) : 0;
    // A path, not a polyline: Chromium keeps a polyline's points as one object each (24,000 on a full board).
    line.current?.setAttribute(
      'd',
      `M${kept
        .map((v, i) => `${(i * step).toFixed(1)},${(HEIGHT - ((v - low) / span) * HEIGHT).toFixed(1)}`)
        .join('L')}`,
    );
    line.current?.setAttribute('data-direction', value >= (kept[0] ?? value) ? 'up' : 'down');
  }, [value]);

  return (
    <svg
      className="spark"
      width={WIDTH}
      height={HEIGHT}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      aria-hidden="true"
    >
      <path ref={line} fill="none" strokeWidth="1.2" />
    </svg>
  );
}
