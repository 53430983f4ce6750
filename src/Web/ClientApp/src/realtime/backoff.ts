/** How long to wait before reconnect attempt number `attempt`. */
export interface BackoffOptions {
  /** The first delay, in ms (the seed's `reconnectInterval`). */
  initialMs: number;
  /** The delay never grows beyond this, in ms. */
  maxMs: number;
  /** Growth per attempt. */
  multiplier: number;
  /**
   * Share of the delay that is randomised, 0..1. 0.5 gives "equal jitter": half fixed, half random, so
   * thousands of clients dropped by one restart do not come back at the same instant.
   */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 30_000, multiplier: 2, jitter: 0.5 };

/**
 * Exponential backoff with jitter. `attempt` is 1 for the first retry. The result lies in
 * [cap·(1−jitter), cap], where cap = min(maxMs, initialMs·multiplier^(attempt−1)).
 */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const n = Math.max(1, Math.floor(attempt));
  const cap = Math.min(options.maxMs, options.initialMs * Math.pow(options.multiplier, n - 1));
  const jitter = Math.min(1, Math.max(0, options.jitter));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(cap * (1 - jitter) + cap * jitter * r);
}

/** A server's `Retry-After` (seconds or an HTTP date) in ms, or undefined. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
