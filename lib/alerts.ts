/**
 * Price and change alerts, and the pure evaluator that decides when one fires. The store feeds it every quote it
 * applies; it keeps, per alert, the last value it saw, and an alert fires when the value crosses its level: it
 * was on one side and is now at or past the level on the other. An alert fires once, then stays as a record
 * until the trader re-arms or removes it.
 */
import { toPrice, type Instrument } from './instrument';
import { quoteChangePercent, type Quote } from './quote';

/** What an alert watches: the last price (a decimal price) or the change on the day (percent). */
export type AlertMetric = 'price' | 'changePercent';
export type AlertDirection = 'above' | 'below';

export interface Alert {
  id: string;
  symbol: string;
  metric: AlertMetric;
  direction: AlertDirection;
  /** A decimal price for `price`, a percentage for `changePercent`. */
  level: number;
  /** Unix ms when it fired; undefined while armed. */
  firedAt?: number | undefined;
}

/** The value of `metric` in `quote`. */
export function metricValue(metric: AlertMetric, quote: Quote, instrument: Instrument): number {
  return metric === 'price' ? toPrice(quote.last, instrument) : quoteChangePercent(quote);
}

/** Whether moving from `before` to `now` crosses `level` in the alert's direction. */
export function crosses(direction: AlertDirection, level: number, before: number, now: number): boolean {
  return direction === 'above' ? before < level && now >= level : before > level && now <= level;
}

/** The last value each armed alert saw, by alert id. */
export type Seen = Readonly<Record<string, number>>;

export interface Evaluation {
  seen: Seen;
  /** Alerts that fired on this observation, in the order given. */
  fired: Alert[];
}

/**
 * Observes one symbol's new value of each metric. Armed alerts of that symbol that cross their level fire;
 * an alert's first observation only records where the value is (an alert set below the price does not fire
 * until the price comes down to it). Returns `seen` itself when nothing changed.
 */
export function evaluateAlerts(
  alerts: readonly Alert[],
  seen: Seen,
  symbol: string,
  value: (metric: AlertMetric) => number,
): Evaluation {
  let next: Record<string, number> | undefined;
  const fired: Alert[] = [];
  for (const alert of alerts) {
    if (alert.symbol !== symbol || alert.firedAt !== undefined) continue;
    const now = value(alert.metric);
    const before = seen[alert.id];
    if (before === now) continue;
    next ??= { ...seen };
    next[alert.id] = now;
    if (before !== undefined && crosses(alert.direction, alert.level, before, now)) fired.push(alert);
  }
  return { seen: next ?? seen, fired };
}

/** A short description for a toast or a list: `AAPL price above 190.00`, `BTC-USD change below −2%`. */
export function describeAlert(alert: Alert, format: (alert: Alert) => string): string {
  const what = alert.metric === 'price' ? 'price' : 'change';
  return `${alert.symbol} ${what} ${alert.direction} ${format(alert)}`;
}
