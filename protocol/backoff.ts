/**
 * The one backoff rule for every retry loop in gateway, core and renderer: the wait before retry `attempt`
 * (0 = the first retry) grows from `baseMs` by `factor` per attempt up to `capMs`, and `jitter` says how
 * much of it is random, so that peers that failed together (farms that lost the registry, links that
 * dropped with the office uplink) do not come back in lockstep. Pure: `random` is injected for tests.
 * Lives in protocol/ rather than kit/ because the renderer (which may import protocol/ only) retries too.
 */

/**
 * - `full`: uniform in [0, w) (AWS "Exponential Backoff and Jitter"): the widest spread, for many peers
 *   retrying one target;
 * - `equal`: uniform in [w/2, w]: spread, yet never much sooner than planned;
 * - `{ spread: f }`: uniform in [w·(1−f), w·(1+f)], around the planned wait;
 * - `none`: exactly w, for a loop that has nobody to collide with.
 */
export type Jitter = 'full' | 'equal' | 'none' | { spread: number };

export interface BackoffRule {
  baseMs: number;
  /** The largest planned wait (before jitter). */
  capMs: number;
  /** Growth per attempt. */
  factor: number;
  /** Default `full`. */
  jitter?: Jitter;
}

/** The planned wait (before jitter) for retry `attempt`, 0-based. */
export function backoffCeiling(rule: BackoffRule, attempt: number): number {
  // The exponent is bounded so a loop that has failed for days still yields a finite number.
  const exponent = Math.min(Math.max(0, attempt), 64);
  return Math.min(rule.capMs, rule.baseMs * rule.factor ** exponent);
}

/** The wait in whole milliseconds before retry `attempt` (0-based). */
export function backoffDelay(rule: BackoffRule, attempt: number, random: () => number = Math.random): number {
  const w = backoffCeiling(rule, attempt);
  const jitter = rule.jitter ?? 'full';
  if (jitter === 'none') return Math.round(w);
  if (jitter === 'full') return Math.floor(w * random());
  if (jitter === 'equal') return Math.round(w / 2 + (w * random()) / 2);
  return Math.round(w * (1 - jitter.spread + 2 * jitter.spread * random()));
}
