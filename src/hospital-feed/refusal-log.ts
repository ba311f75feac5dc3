import type { Logger } from '../log/index.js';
import type { Timers } from './outbox.js';

/** One summary line per minute at most: the operator sees refusals, garbage cannot fill the disk. */
export const REFUSAL_SUMMARY_MS = 60_000;

/**
 * Refused incoming messages, summarised. Anyone who may publish to our topic can send garbage at
 * the broker's rate, and a warning line per message grew the log ~3.7 MB in 6 s on the disk that also
 * holds the inbox (issue 12, L9). Each refusal is still counted at once in the metrics (the caller's
 * counter); the log gets one line per interval that saw any, with the count of each reason. Reasons
 * are bounded vocabularies, never ids or content.
 */
export class RefusalLog {
  readonly #counts = new Map<string, number>();
  #timer: unknown;

  constructor(
    private readonly logger: Logger,
    private readonly timers: Timers,
    private readonly message: string,
    private readonly intervalMs = REFUSAL_SUMMARY_MS,
  ) {}

  refused(reason: string): void {
    this.#counts.set(reason, (this.#counts.get(reason) ?? 0) + 1);
    if (this.#timer === undefined) this.#timer = this.timers.setTimeout(() => this.flush(), this.intervalMs);
  }

  /** Writes the summary now (also on stop, so the last interval is not lost). */
  flush(): void {
    this.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#counts.size === 0) return;
    const total = [...this.#counts.values()].reduce((s, n) => s + n, 0);
    this.logger.warn(this.message, {
      total,
      intervalSeconds: this.intervalMs / 1000,
      ...Object.fromEntries(this.#counts),
    });
    this.#counts.clear();
  }
}
