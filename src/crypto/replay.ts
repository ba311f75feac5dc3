/**
 * Remembers the ids of accepted envelopes until they expire, so a copy is recognised as a replay.
 * An id only needs remembering while its envelope could still be accepted, i.e. until its expiry
 * (plus the clock skew allowed); envelope lifetimes are bounded, so the store is too.
 */
export interface ReplayStore {
  /** Records an id; `false` if it was already recorded (a replay). Atomic. */
  remember(messageId: string, keepUntil: number): boolean;
  /** Forgets ids whose time has passed; returns how many. */
  prune(now: number): number;
  /** Ids currently held (for metrics and tests). */
  size(): number;
  close(): void;
}

/** For tests and for roles that do not receive envelopes; forgets everything on restart. */
export class MemoryReplayStore implements ReplayStore {
  readonly #ids = new Map<string, number>();

  remember(messageId: string, keepUntil: number): boolean {
    if (this.#ids.has(messageId)) return false;
    this.#ids.set(messageId, keepUntil);
    return true;
  }

  prune(now: number): number {
    let removed = 0;
    for (const [id, until] of this.#ids)
      if (until < now) {
        this.#ids.delete(id);
        removed += 1;
      }
    return removed;
  }

  size(): number {
    return this.#ids.size;
  }

  close(): void {
    this.#ids.clear();
  }
}
