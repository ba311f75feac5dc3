/**
 * Waiting in bench:feed and in the burst without a busy loop. A probe is checked again each time
 * something it reads may have changed (`changed()`, called from a child process's line or a feed's
 * event), never in a loop of its own: such a loop takes one of this machine's two cores from the
 * processes being measured, and polling on a timer adds its period to the time a wait ends.
 */
export class Changes {
  readonly #waiters = new Set<() => void>();

  /** Something a probe may read changed: check every waiting probe now. */
  readonly changed = (): void => {
    for (const check of [...this.#waiters]) check();
  };

  /** Resolves once `probe()` holds (checked now and at each change); rejects after `timeoutMs`. */
  until(probe: () => boolean, timeoutMs: number, label: string): Promise<void> {
    if (probe()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const end = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      const check = (): void => {
        if (!probe()) return;
        end();
        resolve();
      };
      const timer = setTimeout(() => {
        end();
        reject(new Error(`timed out waiting for ${label}`));
      }, timeoutMs);
      this.#waiters.add(check);
    });
  }
}
