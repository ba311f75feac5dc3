import { err, ok, type Result } from '../core/index.js';

/**
 * Lookups per crew member (issue 13, item 2): a lookup by name and birth date is a search of a
 * population register, so each crew member may make only so many in a window. A sliding window over
 * the times of the lookups made; the clock time is passed in, so tests need no waiting.
 */
export interface RateLimit {
  /** Lookups allowed per window (at least 1). */
  readonly max: number;
  readonly windowMs: number;
}

export const DEFAULT_LOOKUP_LIMIT: RateLimit = { max: 10, windowMs: 10 * 60_000 };

/** Refused: how long until the oldest lookup in the window leaves it. */
export interface RateLimited {
  readonly code: 'rate-limited';
  readonly retryAfterMs: number;
}

export class SlidingWindow {
  readonly #limit: RateLimit;
  /** Per key, the times of its lookups in the window, oldest first. */
  readonly #times = new Map<string, number[]>();

  constructor(limit: RateLimit) {
    if (!Number.isInteger(limit.max) || limit.max < 1 || !(limit.windowMs > 0))
      throw new RangeError('a rate limit needs max >= 1 and a positive window');
    this.#limit = limit;
  }

  /** Counts one lookup for `key` at `now`, or refuses it (and counts nothing). */
  take(key: string, now: number): Result<void, RateLimited> {
    const since = now - this.#limit.windowMs;
    const times = (this.#times.get(key) ?? []).filter((t) => t > since);
    if (times.length >= this.#limit.max) {
      this.#times.set(key, times);
      return err({ code: 'rate-limited', retryAfterMs: (times[0] ?? now) + this.#limit.windowMs - now });
    }
    times.push(now);
    this.#times.set(key, times);
    // Keys whose window emptied are dropped, so the map holds only active crew members.
    for (const [k, ts] of this.#times) if (ts.every((t) => t <= since)) this.#times.delete(k);
    return ok(undefined);
  }
}
