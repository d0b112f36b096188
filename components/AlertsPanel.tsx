'use client';

import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Alert, AlertDirection, AlertMetric } from '../lib/alerts';
import { formatAlertLevel } from './alert-format';
import { boardSymbols } from './store/preferences-store';
import { useMarket, usePreferences, usePreferencesStore } from './StoreProvider';

const CONDITIONS: readonly { value: `${AlertMetric} ${AlertDirection}`; label: string }[] = [
  { value: 'price above', label: 'Price crosses above' },
  { value: 'price below', label: 'Price crosses below' },
  { value: 'changePercent above', label: 'Change % crosses above' },
  { value: 'changePercent below', label: 'Change % crosses below' },
];

const firedTime = new Intl.DateTimeFormat('en-US', {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

function AlertItem({ alert }: { alert: Alert }) {
  const preferences = usePreferencesStore();
  const instrument = useMarket((s) => s.instruments[alert.symbol]);
  const what = alert.metric === 'price' ? 'price' : 'change %';
  const name = `${alert.symbol} ${what} ${alert.direction}`;
  return (
    <li className="alert-item" data-fired={alert.firedAt === undefined ? undefined : 'true'}>
      <span className="alert-what">{name}</span>
      <input
        className="alert-level num"
        type="number"
        step="any"
        aria-label={`Level of ${name}`}
        defaultValue={alert.level}
        onBlur={(event) => {
          const level = Number(event.target.value);
          if (Number.isFinite(level) && level !== alert.level)
            preferences.getState().updateAlert(alert.id, { level, firedAt: undefined });
        }}
      />
      <span className="alert-state">
        {alert.firedAt === undefined ? 'armed' : `fired ${firedTime.format(alert.firedAt)}`}
      </span>
      {alert.firedAt !== undefined && (
        <button
          type="button"
          className="tool"
          onClick={() => preferences.getState().updateAlert(alert.id, { firedAt: undefined })}
        >
          Re-arm
        </button>
      )}
      <button
        type="button"
        className="tool"
        aria-label={`Remove alert ${name} ${formatAlertLevel(alert, instrument)}`}
        onClick={() => preferences.getState().removeAlert(alert.id)}
      >
        Remove
      </button>
    </li>
  );
}

/**
 * The alerts: a form to set one (started from a row's or the chart's "Add alert", which fill it in), and the
 * list of alerts to edit, re-arm or remove, with the sound and notification switches.
 */
export function AlertsPanel() {
  const preferences = usePreferencesStore();
  const alerts = usePreferences((s) => s.alerts);
  const draft = usePreferences((s) => s.alertDraft);
  const symbols = usePreferences(boardSymbols);
  const sound = usePreferences((s) => s.alertSound);
  const [permission, setPermission] = useState<string | undefined>(undefined);
  const level = useRef<HTMLInputElement>(null);
  const form = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (!draft || !form.current) return;
    const fields = form.current.elements;
    (fields.namedItem('symbol') as HTMLSelectElement).value = draft.symbol;
    (fields.namedItem('condition') as HTMLSelectElement).value = `${draft.metric} ${draft.direction}`;
    if (level.current) {
      level.current.value = String(draft.level);
      level.current.focus();
      level.current.select();
    }
  }, [draft]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const [metric, direction] = String(data.get('condition')).split(' ') as [AlertMetric, AlertDirection];
    const value = Number(data.get('level'));
    const symbol = String(data.get('symbol'));
    if (!symbol || !Number.isFinite(value) || String(data.get('level')).trim() === '') return;
    preferences.getState().addAlert({ symbol, metric, direction, level: value });
    preferences.getState().draftAlert(undefined);
  };

  return (
    <section id="alerts" className="alerts" aria-label="Alerts">
      <h2 className="alerts-title">Alerts</h2>
      <form ref={form} className="alert-form" onSubmit={submit}>
        <select name="symbol" aria-label="Alert symbol" defaultValue={symbols[0]}>
          {[...new Set([...(draft ? [draft.symbol] : []), ...symbols])].map((symbol) => (
            <option key={symbol}>{symbol}</option>
          ))}
        </select>
        <select name="condition" aria-label="Condition" defaultValue="price above">
          {CONDITIONS.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
        <input
          ref={level}
          name="level"
          className="num"
          type="number"
          step="any"
          aria-label="Level"
          required
        />
        <button type="submit" className="tool">
          Set alert
        </button>
      </form>
      <ul className="alert-list">
        {alerts.map((alert) => (
          <AlertItem key={`${alert.id} ${alert.level}`} alert={alert} />
        ))}
      </ul>
      <div className="alert-options">
        <label>
          <input
            type="checkbox"
            checked={sound}
            onChange={(e) => preferences.getState().setAlertSound(e.target.checked)}
          />
          Sound
        </label>
        <button
          type="button"
          className="tool"
          onClick={() => {
            if (!('Notification' in window)) return setPermission('unsupported');
            void Notification.requestPermission().then(setPermission);
          }}
        >
          Browser notifications{permission ? `: ${permission}` : ''}
        </button>
      </div>
    </section>
  );
}
