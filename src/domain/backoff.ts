/** Queues cannot delay a message by more than 12 hours. */
export const MAX_QUEUE_DELAY_SECONDS = 43_200;

export interface BackoffPolicy {
  baseSeconds: number;
  maxSeconds: number;
  /** "Equal jitter": half the delay fixed, half random, so the retries of many failures spread out. */
  jitter?: boolean;
  /** Never sooner than this (a provider's Retry-After). */
  retryAfterSeconds?: number;
  random?: () => number;
}

/**
 * The one retry schedule of the project: how long to wait after the `failures`-th failure in a row —
 * exponential (base · 2^(failures−1)), capped, optionally jittered, never sooner than a Retry-After,
 * never longer than a queue can delay a message. In whole seconds (what queues and alarms take).
 * Pure (the randomness is injectable).
 */
export function backoffSeconds(failures: number, p: BackoffPolicy): number {
  return Math.ceil(backoffExact(failures, p) - 1e-9);
}

/** The same schedule in milliseconds, for waits shorter than a second (a retried siteverify call). */
export function backoffMs(failures: number, p: BackoffPolicy): number {
  return Math.ceil(backoffExact(failures, p) * 1000);
}

function backoffExact(failures: number, p: BackoffPolicy): number {
  const exp = Math.min(p.maxSeconds, p.baseSeconds * 2 ** Math.max(0, failures - 1));
  const delay = p.jitter ? exp / 2 + (exp / 2) * (p.random ?? Math.random)() : exp;
  return Math.min(MAX_QUEUE_DELAY_SECONDS, Math.max(delay, p.retryAfterSeconds ?? 0));
}
