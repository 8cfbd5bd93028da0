import type { Rate } from './types';

/**
 * Reads `<requests>/<seconds>s` (e.g. `500/10s`); `off` means no limit (`undefined`).
 * @throws Error saying what a valid value looks like.
 */
export function parseRate(value: string, what: string): Rate | undefined {
  if (value.trim().toLowerCase() === 'off') return undefined;
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*s\s*$/.exec(value);
  const requests = Number(match?.[1]);
  const seconds = Number(match?.[2]);
  if (!match || requests < 1 || seconds < 1 || seconds > 86_400) {
    throw new Error(`${what} must look like '500/10s' (requests per seconds) or 'off', not '${value}'.`);
  }
  return { requests, seconds };
}
