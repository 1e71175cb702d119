/**
 * Exponential backoff with full jitter (AWS "Exponential Backoff and Jitter"): the n-th wait is uniform in
 * [0, min(cap, base·factor^n)], so links that dropped together spread their reconnections over the window
 * instead of stampeding the gateways (and the tailnet) in lockstep.
 */
export interface BackoffPolicy {
  baseMs: number;
  factor: number;
  capMs: number;
  /** A link must stay up this long before its attempt counter resets (a flapping link keeps backing off). */
  minUptimeMs: number;
}

export const defaultBackoff: BackoffPolicy = {
  baseMs: 1_000,
  factor: 1.6,
  capMs: 60_000,
  minUptimeMs: 5_000,
};

/** Upper bound of the wait before attempt `attempt` (0-based). */
export function backoffCeiling(policy: BackoffPolicy, attempt: number): number {
  return Math.min(policy.capMs, policy.baseMs * policy.factor ** Math.min(attempt, 64));
}

export function fullJitterDelay(
  policy: BackoffPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  return Math.floor(random() * backoffCeiling(policy, attempt));
}
