import type { StreamKey } from '../lib/chart-bars';

/**
 * What each chart of a layout needs of its stream's bars, so that one chart giving back the oldest leaves every
 * other chart of the same stream what it shows: a chart following the newest bar needs its newest `keep`; one
 * scrolled back needs every bar it holds.
 */
export interface BarNeeds {
  /** Chart `index` shows `stream` and needs its newest `keep` bars (`undefined`: all of them, it looks back). */
  set(index: number, stream: StreamKey, keep: number | undefined): void;
  /** Chart `index` shows nothing, or is gone. */
  remove(index: number): void;
  /** The bars a trim of `stream` must leave: the most any of its charts needs; undefined when one needs all. */
  keepOf(stream: StreamKey): number | undefined;
}

export function createBarNeeds(): BarNeeds {
  const needs = new Map<number, { stream: StreamKey; keep: number | undefined }>();
  return {
    set: (index, stream, keep) => void needs.set(index, { stream, keep }),
    remove: (index) => void needs.delete(index),
    keepOf: (stream) => {
      let most = 0;
      for (const need of needs.values()) {
        if (need.stream !== stream) continue;
        if (need.keep === undefined) return undefined;
        most = Math.max(most, need.keep);
      }
      return most;
    },
  };
}
