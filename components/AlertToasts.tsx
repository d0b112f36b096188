'use client';

import { useEffect, useState } from 'react';
import { describeAlert, type Alert } from '../lib/alerts';
import { formatAlertLevel } from './alert-format';
import { watchAlerts } from './store/alert-watcher';
import { useMarketStore, usePreferences, usePreferencesStore } from './StoreProvider';

const TOAST_MS = 12_000;

interface Toast {
  key: number;
  text: string;
}

/** A short beep through Web Audio; no file to load. */
function beep(audio: AudioContext) {
  // Made without a user gesture (a reload with sound on), the context starts suspended: try to resume it.
  if (audio.state === 'suspended') void audio.resume();
  const tone = audio.createOscillator();
  const gain = audio.createGain();
  tone.frequency.value = 880;
  gain.gain.setValueAtTime(0.15, audio.currentTime);
  gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.3);
  tone.connect(gain).connect(audio.destination);
  tone.start();
  tone.stop(audio.currentTime + 0.3);
  tone.onended = () => {
    tone.disconnect();
    gain.disconnect();
  };
}

/**
 * The page's one AudioContext for alert sounds, made (or resumed) on the trader's first click or key press
 * while sound is on: browsers keep a context made without a user gesture silent.
 */
function useAlertAudio(): () => AudioContext {
  const sound = usePreferences((s) => s.alertSound);
  const [audio] = useState(() => {
    let context: AudioContext | undefined;
    return {
      get: () => (context ??= new AudioContext()),
      close: () => {
        void context?.close();
        context = undefined;
      },
    };
  });

  useEffect(() => {
    if (!sound) return;
    const unlock = () => {
      const context = audio.get();
      if (context.state === 'suspended') void context.resume();
    };
    window.addEventListener('pointerdown', unlock, { capture: true });
    window.addEventListener('keydown', unlock, { capture: true });
    return () => {
      window.removeEventListener('pointerdown', unlock, { capture: true });
      window.removeEventListener('keydown', unlock, { capture: true });
    };
  }, [sound, audio]);

  useEffect(() => audio.close, [audio]);

  return audio.get;
}

/**
 * Runs the alert watcher once the preferences are in, and says each alert that fires: a toast (role `alert`),
 * a beep when the trader turned sound on, and a browser notification when they allowed them.
 */
export function AlertToasts({ ready }: { ready: boolean }) {
  const market = useMarketStore();
  const preferences = usePreferencesStore();
  const [toasts, setToasts] = useState<readonly Toast[]>([]);
  const audio = useAlertAudio();

  useEffect(() => {
    if (!ready) return;
    let key = 0;
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const stop = watchAlerts(market, preferences, (alert: Alert, value: number) => {
      const instrument = market.getState().instruments[alert.symbol];
      const text = `${describeAlert(alert, (a) => formatAlertLevel(a, instrument))}: now ${formatAlertLevel({ ...alert, level: value }, instrument)}`;
      const toast = { key: ++key, text };
      setToasts((shown) => [...shown, toast]);
      const timer = setTimeout(() => {
        timers.delete(timer);
        setToasts((shown) => shown.filter((t) => t !== toast));
      }, TOAST_MS);
      timers.add(timer);
      if (preferences.getState().alertSound) beep(audio());
      if ('Notification' in window && Notification.permission === 'granted') new Notification(text);
    });
    return () => {
      stop();
      for (const timer of timers) clearTimeout(timer);
    };
  }, [ready, market, preferences, audio]);

  return (
    <div className="toasts">
      {toasts.map((toast) => (
        <div key={toast.key} role="alert" className="toast">
          <span>{toast.text}</span>
          <button
            type="button"
            className="toast-close"
            aria-label="Dismiss"
            onClick={() => setToasts((shown) => shown.filter((t) => t !== toast))}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
