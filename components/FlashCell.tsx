'use client';

import { useLayoutEffect, useRef, type ReactNode } from 'react';

interface FlashCellProps {
  /** The number behind the text; the cell flashes when it changes, green up and red down. */
  value: number | undefined;
  children: ReactNode;
  className?: string;
  /** Shows the direction of the last change as ▲/▼ beside the value, so it does not rest on colour alone. */
  arrow?: boolean;
}

/**
 * A numeric table cell that flashes on change. The flash is written to the DOM in a layout effect instead of
 * state: a second render per tick for every cell would double the work of the busiest part of the page. Two
 * keyframe names alternate (data-phase) so that each change restarts the animation even mid-flash.
 */
export function FlashCell({ value, children, className, arrow = false }: FlashCellProps) {
  const cell = useRef<HTMLTableCellElement>(null);
  const tick = useRef<HTMLSpanElement>(null);
  const previous = useRef(value);

  useLayoutEffect(() => {
    const before = previous.current;
    previous.current = value;
    const element = cell.current;
    if (!element || before === undefined || value === undefined || value === before) return;
    const direction = value > before ? 'up' : 'down';
    element.dataset.flash = direction;
    element.dataset.phase = element.dataset.phase === 'a' ? 'b' : 'a';
    if (tick.current) {
      tick.current.textContent = direction === 'up' ? '▲' : '▼';
      tick.current.dataset.direction = direction;
    }
  }, [value]);

  return (
    <td
      ref={cell}
      className={className ? `num ${className}` : 'num'}
      onAnimationEnd={(event) => delete event.currentTarget.dataset.flash}
    >
      {children}
      {arrow && <span ref={tick} className="tick" aria-hidden="true" />}
    </td>
  );
}
