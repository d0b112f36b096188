/**
 * Whether an element is on screen (in the viewport and not clipped away by a scrolling ancestor such as the
 * board's), kept current by one IntersectionObserver for the whole page. The board uses it to spend less on
 * what no one can see: an animation on an element scrolled out of view cannot run on the compositor (Chromium
 * reports "no visible change") and falls back to the main thread, which then restyles it on every frame; and a
 * row out of view need not be rendered again on every tick.
 */
const reported = new WeakMap<Element, boolean>();
const watchers = new WeakMap<Element, Set<{ onChange?: ((onScreen: boolean) => void) | undefined }>>();
let observer: IntersectionObserver | undefined;

function shared(): IntersectionObserver | undefined {
  if (observer || typeof IntersectionObserver !== 'function') return observer;
  observer = new IntersectionObserver((entries) => {
    for (const { target, isIntersecting } of entries) {
      if (reported.get(target) === isIntersecting) continue;
      reported.set(target, isIntersecting);
      for (const { onChange } of watchers.get(target) ?? []) onChange?.(isIntersecting);
    }
  });
  return observer;
}

/**
 * Starts following `element`, calling `onChange` (if given) on the observer's first report and whenever the
 * element comes on or goes off screen after it; returns the function that stops.
 */
export function watchOnScreen(element: Element, onChange?: (onScreen: boolean) => void): () => void {
  const watcher = shared();
  if (!watcher) {
    // No IntersectionObserver (an old browser): everything counts as on screen.
    reported.set(element, true);
    return () => {};
  }
  const token = { onChange };
  const held = watchers.get(element) ?? new Set();
  watchers.set(element, held);
  held.add(token);
  watcher.observe(element);
  const known = reported.get(element);
  if (known !== undefined) onChange?.(known);
  return () => {
    held.delete(token);
    if (held.size > 0) return;
    watcher.unobserve(element);
    reported.delete(element);
    watchers.delete(element);
  };
}

/** Whether `element` was on screen at the observer's last report (false before its first). */
export function isOnScreen(element: Element): boolean {
  return reported.get(element) === true;
}
