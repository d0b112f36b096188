import type { Logger } from './logger';

/** The longest a stop may take before the process exits anyway. */
export const SHUTDOWN_DEADLINE_MS = 10_000;

export interface Stoppable {
  /** Stops taking new work and lets what is open go (a feed server's `drain`); optional. */
  drain?: () => Promise<void>;
  close: () => Promise<void>;
}

/**
 * On SIGTERM or SIGINT: drains, closes and exits, once. If that has not finished within
 * `SHUTDOWN_DEADLINE_MS` the process exits anyway, with status 1: an orchestrator's kill follows soon after.
 */
export function onShutdown(logger: Logger, target: Stoppable | (() => Promise<void>)): void {
  const { drain, close } = typeof target === 'function' ? { drain: undefined, close: target } : target;
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error({ ms: SHUTDOWN_DEADLINE_MS }, 'shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    (async () => {
      await drain?.();
      await close();
    })().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
