/**
 * Shares the crosshair's time between the charts of a layout: the chart under the pointer publishes the time it
 * points at (undefined when the pointer leaves), the others show a crosshair at their bar of that time.
 */
export interface CrosshairBus {
  publish(source: number, time: number | undefined): void;
  /** Returns the function that stops listening. */
  subscribe(listener: (source: number, time: number | undefined) => void): () => void;
}

export function createCrosshairBus(): CrosshairBus {
  const listeners = new Set<(source: number, time: number | undefined) => void>();
  return {
    publish: (source, time) => {
      for (const listener of listeners) listener(source, time);
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
