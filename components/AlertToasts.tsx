'use client';

import { useEffect, useState } from 'react';
import { describeAlert, type Alert } from '../lib/alerts';
import { formatAlertLevel } from './alert-format';
import { watchAlerts } from './store/alert-watcher';
import { useMarketStore, usePreferencesStore } from './StoreProvider';

const TOAST_MS = 12_000;

interface Toast {
  key: number;
  text: string;
}

/** A short beep through Web Audio; no file to load. */
function beep() {
  const audio = new AudioContext();
  const tone = audio.createOscillator();
  const gain = audio.createGain();
  tone.frequency.value = 880;
  gain.gain.setValueAtTime(0.15, audio.currentTime);
  gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.3);
  tone.connect(gain).connect(audio.destination);
  tone.start();
  tone.stop(audio.currentTime + 0.3);
  tone.onended = () => void audio.close();
}

/**
 * Runs the alert watcher once the preferences are in, and says each alert that fires: a toast (role `alert`),
 * a beep when the trader turned sound on, and a browser notification when they allowed them.
 */
export function AlertToasts({ ready }: { ready: boolean }) {
  const market = useMarketStore();
  const preferences = usePreferencesStore();
  const [toasts, setToasts] = useState<readonly Toast[]>([]);

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
      if (preferences.getState().alertSound) beep();
      if ('Notification' in window && Notification.permission === 'granted') new Notification(text);
    });
    return () => {
      stop();
      for (const timer of timers) clearTimeout(timer);
    };
  }, [ready, market, preferences]);

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
