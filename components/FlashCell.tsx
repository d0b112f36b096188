'use client';

import { useLayoutEffect, useRef, type ReactNode } from 'react';
import { isOnScreen } from './on-screen';

interface FlashCellProps {
  /** The number behind the text; the cell flashes when it changes, green up and red down. */
  value: number;
  children: ReactNode;
  column: string;
}

const FLASH_MS = 800;
const FADE: Keyframe[] = [{ opacity: 1 }, { opacity: 0 }];
const reducedMotion = () =>
  typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;

/**
 * A numeric table cell that flashes on change, with ▲/▼ beside the value so the direction does not rest on
 * colour alone. The flash is a layer of its own (`.flash`) whose opacity is animated with the Web Animations
 * API, which the compositor runs: a change restyles nothing but the flash's own colour when the direction
 * turns, where toggling classes on the cell would restyle the cell and everything in it, twice per flash.
 * The cell carries `data-flash` (the direction) while it flashes, for automation; no style reads it. A cell
 * scrolled out of view does not flash: the compositor cannot run an animation it does not draw, and the main
 * thread would restyle the flash on every frame instead (on-screen.ts).
 */
export function FlashCell({ value, children, column }: FlashCellProps) {
  const cell = useRef<HTMLTableCellElement>(null);
  const flash = useRef<HTMLSpanElement>(null);
  const tick = useRef<HTMLSpanElement>(null);
  const previous = useRef(value);
  const fade = useRef<Animation | undefined>(undefined);

  useLayoutEffect(() => {
    const before = previous.current;
    previous.current = value;
    const element = cell.current;
    const layer = flash.current;
    if (!element || !layer || value === before) return;
    const direction = value > before ? 'up' : 'down';
    if (layer.dataset.direction !== direction) layer.dataset.direction = direction;
    const arrow = tick.current;
    if (arrow && arrow.dataset.direction !== direction) {
      arrow.textContent = direction === 'up' ? '▲' : '▼';
      arrow.dataset.direction = direction;
    }
    // The board's rows are followed on and off screen (row-entry.ts); a cell is where its row is.
    if (!element.parentElement || !isOnScreen(element.parentElement)) return;
    element.dataset.flash = direction;
    // One animation per cell, restarted on each change: a new one per change would leave Blink a sampled
    // effect per flash on the element (5,000 over 5 minutes in bench:ui --heap-diff).
    let animation = fade.current;
    if (!animation) {
      animation = layer.animate(FADE, { duration: reducedMotion() ? 10 : FLASH_MS, easing: 'ease-out' });
      animation.onfinish = () => delete element.dataset.flash;
      fade.current = animation;
    } else {
      animation.currentTime = 0;
      animation.play();
    }
  }, [value]);

  return (
    <td ref={cell} className="num flash-cell" data-column={column}>
      <span ref={flash} className="flash" aria-hidden="true" />
      {children}
      <span ref={tick} className="tick" aria-hidden="true" />
    </td>
  );
}
