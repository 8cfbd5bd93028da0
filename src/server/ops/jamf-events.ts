import type { Logger } from 'pino';
import type { ConnectorEvents } from '../../jamf';

/**
 * At `LOG_LEVEL=debug`, one log line per HTTP attempt to Jamf (operation, method, path without its
 * query, status, ms, attempt, outcome); `undefined` at any other level, so the connector reports nothing.
 */
export function jamfCallLog(logger: Logger): ConnectorEvents | undefined {
  if (!logger.isLevelEnabled('debug')) return undefined;
  return {
    call: ({ operation, method, path, status, outcome, ms, attempt }) => {
      logger.debug({ jamf: { operation, method, path: path.split('?')[0], status, outcome, ms: Math.round(ms * 10) / 10, attempt } }, 'jamf call');
    },
  };
}

/** One set of observers calling each of `all` in turn (`undefined` when there are none). */
export function combineEvents(...all: Array<ConnectorEvents | undefined>): ConnectorEvents | undefined {
  const present = all.filter((e): e is ConnectorEvents => e !== undefined);
  if (present.length <= 1) return present[0];
  return {
    call: (event) => { for (const e of present) e.call?.(event); },
    retry: (event) => { for (const e of present) e.retry?.(event); },
    tokenRequest: (event) => { for (const e of present) e.tokenRequest?.(event); },
  };
}
