import type { Alert } from '../lib/alerts';
import type { Instrument } from '../lib/instrument';
import { formatDecimal, formatPercent } from './format';

/** An alert's level as the board shows such values: a price with the instrument's precision, or a percent. */
export function formatAlertLevel(alert: Pick<Alert, 'metric' | 'level'>, instrument: Instrument | undefined) {
  if (alert.metric === 'changePercent') return formatPercent(alert.level);
  return instrument ? formatDecimal(alert.level, instrument) : String(alert.level);
}
