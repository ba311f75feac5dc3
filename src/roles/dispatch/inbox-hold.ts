import type { Result } from '../../core/index.js';
import type { DispatchIncoming, StorageErrorCode, Timers } from '../../hospital-feed/index.js';
import type { Logger } from '../../log/index.js';

/**
 * At most this many messages are held at once: ~1 KiB each opened, so ~1 MiB. A centre takes a few
 * milestones and answers a minute; this covers hours of a store that cannot be read or written.
 */
export const HELD_MAX = 1000;
/** The first retry after a message is held; doubled after each pass that takes none, up to the cap. */
export const HELD_RETRY_MS = 5_000;
const HELD_RETRY_MAX_MS = 300_000;

export interface InboxHoldOptions {
  /**
   * Checks one opened message against its own store and applies it if it is new (a stored one changes
   * nothing); the storage code when the check or the commit failed, so it is held and tried again.
   */
  readonly apply: (incoming: DispatchIncoming) => Promise<Result<void, StorageErrorCode>>;
  readonly timers: Timers;
  readonly logger: Logger;
  /** Counts a message that could not be held (the hold is full): it is lost (summarised, not logged each). */
  readonly dropped: () => void;
}

/**
 * The dispatch inbox's messages that no sender sends again (a unit's milestone, a hospital's answer:
 * both are published directly, and the sender counts them delivered once the broker has them, while
 * the broker forgets them at our PUBACK, which cannot be withheld for one message: docs/dispatch.md).
 * One whose check or commit fails (a store that cannot be read or written) is neither applied nor
 * lost: it is held here, in memory and bounded, and checked and applied again on a timer until its
 * store answers. A message held twice (a redelivered copy) is held once, and the check finds a copy
 * applied meanwhile, so nothing is applied twice. Held messages do not survive the process: at stop
 * their count is logged (ids and contents never are).
 */
export class InboxHold {
  readonly #held = new Map<string, DispatchIncoming>();
  #timer: unknown;
  #delay = HELD_RETRY_MS;
  #retrying: Promise<void> = Promise.resolve();
  /** Once stopped nothing is scheduled: a timer would keep the process alive over closed stores. */
  #stopped = false;

  constructor(private readonly o: InboxHoldOptions) {}

  /** How many messages wait for their store. */
  get size(): number {
    return this.#held.size;
  }

  /** Applies the message, or holds it if its store cannot check or commit it now. */
  async take(incoming: DispatchIncoming): Promise<void> {
    const applied = await this.o.apply(incoming);
    if (!applied.ok) this.#hold(incoming, applied.error);
  }

  /** Tries every held message once, in the order they came (also what the timer runs). */
  retry(): Promise<void> {
    // One pass at a time: a message is never applied by two overlapping passes.
    const run = this.#retrying.then(() => this.#pass());
    this.#retrying = run.catch(() => undefined);
    return run;
  }

  stop(): void {
    this.#stopped = true;
    this.o.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#held.size > 0)
      this.o.logger.error('dispatch inbox messages held at stop', { count: this.#held.size });
  }

  #hold(incoming: DispatchIncoming, code: StorageErrorCode): void {
    const id = incoming.envelope.messageId;
    if (!this.#held.has(id) && this.#held.size >= HELD_MAX) {
      this.o.dropped();
      return;
    }
    this.#held.set(id, incoming);
    this.o.logger.warn('dispatch inbox message held', { kind: incoming.dispatch.kind, code });
    this.#schedule();
  }

  async #pass(): Promise<void> {
    this.o.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    let taken = 0;
    for (const [id, incoming] of [...this.#held]) {
      const applied = await this.o.apply(incoming);
      if (!applied.ok) continue;
      this.#held.delete(id);
      taken += 1;
    }
    if (this.#held.size === 0) this.#delay = HELD_RETRY_MS;
    else {
      this.#delay = taken > 0 ? HELD_RETRY_MS : Math.min(this.#delay * 2, HELD_RETRY_MAX_MS);
      this.#schedule();
    }
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#stopped) return;
    // A throw from a pass (a listener of what it applied) must not end the process: logged, and the
    // messages it did not reach stay held for the next one.
    this.#timer = this.o.timers.setTimeout(
      () =>
        void this.retry().catch((error: unknown) => {
          this.o.logger.error('dispatch inbox hold not retried', { error: error as Error });
          this.#schedule();
        }),
      this.#delay,
    );
  }
}
