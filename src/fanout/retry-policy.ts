/** Queues cannot delay a message by more than 12 hours. */
export const MAX_QUEUE_DELAY_SECONDS = 43_200;

/**
 * Seconds to wait before attempt `attempts + 1`: exponential (base · 2^(n−1)) with "equal jitter"
 * (half fixed, half random, so retries of many deliveries spread out), capped; never sooner than the
 * provider's Retry-After.
 */
export function nextDelaySeconds(
  attempts: number,
  opts: { baseSeconds: number; maxSeconds: number; retryAfterSeconds?: number; random?: () => number },
): number {
  const exp = Math.min(opts.maxSeconds, opts.baseSeconds * 2 ** Math.max(0, attempts - 1));
  const jittered = Math.ceil(exp / 2 + (exp / 2) * (opts.random ?? Math.random)());
  return Math.min(MAX_QUEUE_DELAY_SECONDS, Math.max(jittered, opts.retryAfterSeconds ?? 0));
}
