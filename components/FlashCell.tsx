'use client';

import { useLayoutEffect, useRef, type ReactNode } from 'react';

interface FlashCellProps {
  /** The number behind the text; the cell flashes when it changes, green up and red down. */
  value: number;
  children: ReactNode;
  column: string;
}

/**
 * A numeric table cell that flashes on change, with ▲/▼ beside the value so the direction does not rest on
 * colour alone. The flash is written to the DOM in a layout effect instead of state (a second render per tick
 * for every cell would double the work of the busiest part of the page), and it animates only the opacity of
 * a layer of its own (`.flash`), which the compositor runs without restyling the cell each frame. Two keyframe
 * names alternate (data-phase) so that each change restarts the animation even mid-flash.
 */
export function FlashCell({ value, children, column }: FlashCellProps) {
  const cell = useRef<HTMLTableCellElement>(null);
  const tick = useRef<HTMLSpanElement>(null);
  const previous = useRef(value);

  useLayoutEffect(() => {
    const before = previous.current;
    previous.current = value;
    const element = cell.current;
    if (!element || value === before) return;
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
      className="num flash-cell"
      data-column={column}
      onAnimationEnd={(event) => delete event.currentTarget.dataset.flash}
    >
      <span className="flash" aria-hidden="true" />
      {children}
      <span ref={tick} className="tick" aria-hidden="true" />
    </td>
  );
}
