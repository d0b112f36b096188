'use client';

import { useCallback, useEffect, useState } from 'react';
import type { ReplayState } from '../lib/protocol';
import { authHeaders } from './auth-token';

const POLL_MS = 500;
/** Speeds offered; 0 plays as fast as the server can. */
const SPEEDS = [1, 2, 10, 60, 0] as const;
const utc = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'medium',
  timeZone: 'UTC',
});

/**
 * Pause, play, speed and seek, shown only when the server plays a recording (`FEED=replay:…`; elsewhere
 * `/api/replay` is 404 and this renders nothing). A seek makes the server rebuild its market at that time; the
 * page reconnects and resyncs from snapshots by itself.
 */
export function ReplayBar() {
  const [state, setState] = useState<ReplayState | undefined>(undefined);
  const [seeking, setSeeking] = useState<number | undefined>(undefined);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const response = await fetch('/api/replay', { headers: authHeaders() });
        if (response.status === 404) return; // not a replay: nothing to show, nothing more to ask
        if (response.ok && !stopped) setState((await response.json()) as ReplayState);
      } catch {
        // The server may be restarting; the next poll asks again.
      }
      if (!stopped) timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);

  const send = useCallback(async (command: Record<string, unknown>) => {
    const response = await fetch('/api/replay', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeaders() },
      body: JSON.stringify(command),
    });
    if (response.ok) setState((await response.json()) as ReplayState);
  }, []);

  if (!state) return null;
  const position = seeking ?? state.position;
  return (
    <section className="replay-bar" aria-label="Replay">
      <button
        type="button"
        onClick={() => void send({ action: state.paused ? 'play' : 'pause' })}
        disabled={state.ended && state.paused}
      >
        {state.paused ? 'Play' : 'Pause'}
      </button>
      <label>
        Speed{' '}
        <select value={state.speed} onChange={(event) => void send({ speed: Number(event.target.value) })}>
          {SPEEDS.map((speed) => (
            <option key={speed} value={speed}>
              {speed === 0 ? 'fastest' : `${speed}×`}
            </option>
          ))}
        </select>
      </label>
      <input
        type="range"
        aria-label="Replay position"
        min={state.start}
        max={state.end}
        step={1000}
        value={position}
        onChange={(event) => setSeeking(Number(event.target.value))}
        onPointerUp={() =>
          seeking !== undefined && void send({ seek: seeking }).then(() => setSeeking(undefined))
        }
        onKeyUp={() =>
          seeking !== undefined && void send({ seek: seeking }).then(() => setSeeking(undefined))
        }
      />
      {/* A plain time, not an <output>: the page's one status role is the connection badge. */}
      <time className="num" aria-label="Replay time" dateTime={new Date(position).toISOString()}>
        {utc.format(position)} UTC{state.ended ? ' (end)' : ''}
      </time>
    </section>
  );
}
