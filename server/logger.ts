import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON lines on stdout, one per event, at the configured level. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'tickerboard' } });
}
