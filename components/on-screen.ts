/**
 * Whether an element is on screen (in the viewport and not clipped away by a scrolling ancestor such as the
 * board's), kept current by one IntersectionObserver for the whole page. The board uses it to skip work no one
 * can see: an animation on an element scrolled out of view cannot run on the compositor (Chromium reports
 * "no visible change") and falls back to the main thread, which then restyles it on every frame.
 */
const visible = new WeakSet<Element>();
let observer: IntersectionObserver | undefined;

function shared(): IntersectionObserver | undefined {
  if (observer || typeof IntersectionObserver !== 'function') return observer;
  observer = new IntersectionObserver((entries) => {
    for (const entry of entries)
      if (entry.isIntersecting) visible.add(entry.target);
      else visible.delete(entry.target);
  });
  return observer;
}

/** Starts following `element`; returns the function that stops. */
export function watchOnScreen(element: Element): () => void {
  const watcher = shared();
  if (!watcher) {
    // No IntersectionObserver (an old browser): everything counts as on screen.
    visible.add(element);
    return () => visible.delete(element);
  }
  watcher.observe(element);
  return () => {
    watcher.unobserve(element);
    visible.delete(element);
  };
}

/** Whether `element` was on screen at the observer's last report (false before its first). */
export function isOnScreen(element: Element): boolean {
  return visible.has(element);
}
