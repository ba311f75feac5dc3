/**
 * Retry and circuit-breaker decisions as pure functions over plain data: the client feeds them the
 * clock and a random source, so every path is tested without sleeping.
 */

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * Delay before attempt `failed + 1`: "full jitter" (uniform in [0, min(cap, base·2^(failed-1))]), which
 * spreads the retries of many gateways after an outage; a server's Retry-After is honoured as a floor,
 * within the cap.
 */
export const backoffDelay = (
  failed: number,
  policy: RetryPolicy,
  random: () => number,
  retryAfterMs?: number,
): number => {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failed - 1));
  const jittered = Math.floor(random() * ceiling);
  return Math.min(policy.maxDelayMs, Math.max(jittered, retryAfterMs ?? 0));
};

export interface BreakerPolicy {
  /** Consecutive failed attempts that open the circuit. */
  readonly failureThreshold: number;
  /** How long the circuit stays open before one probe is let through. */
  readonly cooldownMs: number;
}

export type BreakerState =
  | { readonly kind: 'closed'; readonly failures: number }
  | { readonly kind: 'open'; readonly until: number }
  /** One probe is in flight; everything else is refused until it settles. */
  | { readonly kind: 'half-open' };

export const CLOSED: BreakerState = { kind: 'closed', failures: 0 };

export type BreakerDecision =
  | { readonly allowed: true; readonly state: BreakerState }
  | { readonly allowed: false; readonly state: BreakerState; readonly retryAfterMs: number };

/** May an attempt go out now? An open circuit whose cooldown has passed lets exactly one probe out. */
export const breakerAllows = (state: BreakerState, now: number, policy: BreakerPolicy): BreakerDecision => {
  switch (state.kind) {
    case 'closed':
      return { allowed: true, state };
    case 'open':
      return now >= state.until
        ? { allowed: true, state: { kind: 'half-open' } }
        : { allowed: false, state, retryAfterMs: state.until - now };
    case 'half-open':
      return { allowed: false, state, retryAfterMs: policy.cooldownMs };
    default:
      return state satisfies never;
  }
};

/** The state after an attempt settles. Any answer from the service (even a refusal) counts as healthy. */
export const breakerRecord = (
  state: BreakerState,
  healthy: boolean,
  now: number,
  policy: BreakerPolicy,
): BreakerState => {
  if (healthy) return CLOSED;
  switch (state.kind) {
    case 'closed':
      return state.failures + 1 >= policy.failureThreshold
        ? { kind: 'open', until: now + policy.cooldownMs }
        : { kind: 'closed', failures: state.failures + 1 };
    case 'half-open':
    case 'open':
      return { kind: 'open', until: now + policy.cooldownMs };
    default:
      return state satisfies never;
  }
};
