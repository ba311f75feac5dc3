import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLOSED, backoffDelay, breakerAllows, breakerRecord } from '../../src/records/index.js';

const policy = { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 5_000 };
const breaker = { failureThreshold: 3, cooldownMs: 30_000 };

describe('backoff with full jitter', () => {
  it('stays within [0, min(cap, base·2^(n-1))] for any random draw', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (n, r) => {
          const d = backoffDelay(n, policy, () => r);
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThanOrEqual(Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (n - 1)));
        },
      ),
    );
  });

  it('grows its ceiling exponentially and honours Retry-After as a floor within the cap', () => {
    const top = () => 0.999999;
    expect([1, 2, 3, 4, 6].map((n) => backoffDelay(n, policy, top))).toEqual([199, 399, 799, 1599, 5000 - 1]);
    expect(backoffDelay(1, policy, () => 0, 1_000)).toBe(1_000);
    expect(backoffDelay(1, policy, () => 0, 60_000)).toBe(5_000);
  });
});

describe('circuit breaker', () => {
  it('opens after the threshold of consecutive failures, and a healthy answer resets the count', () => {
    let s = CLOSED;
    s = breakerRecord(s, false, 0, breaker);
    s = breakerRecord(s, false, 0, breaker);
    expect(s).toEqual({ kind: 'closed', failures: 2 });
    expect(breakerRecord(s, true, 0, breaker)).toEqual(CLOSED);
    s = breakerRecord(s, false, 1_000, breaker);
    expect(s).toEqual({ kind: 'open', until: 31_000 });
  });

  it('refuses while open, lets exactly one probe out after the cooldown, and closes or reopens on its result', () => {
    const open = { kind: 'open', until: 31_000 } as const;
    expect(breakerAllows(open, 30_999, breaker)).toEqual({ allowed: false, state: open, retryAfterMs: 1 });
    const probe = breakerAllows(open, 31_000, breaker);
    expect(probe).toEqual({ allowed: true, state: { kind: 'half-open' } });
    expect(breakerAllows(probe.state, 31_001, breaker).allowed).toBe(false);
    expect(breakerRecord(probe.state, true, 31_500, breaker)).toEqual(CLOSED);
    expect(breakerRecord(probe.state, false, 31_500, breaker)).toEqual({ kind: 'open', until: 61_500 });
  });
});
