import { err, type Result } from '../core/index.js';
import type { StorageErrorCode } from './errors.js';

/** Runs `steps` inside one transaction; the result is the commit's (docs/protocol.md, "Group commit"). */
export type Batch = (steps: () => void) => Result<void, StorageErrorCode>;

/**
 * Group commit: the stores of the messages that arrived together share one transaction, so one
 * fsync (synchronous FULL) makes all of them durable instead of one fsync each. A step is queued
 * with `run`; the queue is written when the event loop has handled what it read (`setImmediate`:
 * every message parsed from the same socket reads joins the batch). Each step keeps its own
 * outcome (a step is itself a transaction, a savepoint inside the batch, so one that fails is rolled
 * back alone), but no caller sees a result before the batch's commit: if the commit fails, every
 * step of the batch reports that failure and nothing of it was stored, so nothing is acknowledged.
 */
export class GroupCommit {
  readonly #batch: Batch;
  #queue: { readonly step: () => Result<unknown, StorageErrorCode>; readonly done: (r: unknown) => void }[] =
    [];

  constructor(batch: Batch) {
    this.#batch = batch;
  }

  run<T>(step: () => Result<T, StorageErrorCode>): Promise<Result<T, StorageErrorCode>> {
    return new Promise((resolve) => {
      if (this.#queue.length === 0) setImmediate(() => this.#flush());
      this.#queue.push({ step, done: resolve as (r: unknown) => void });
    });
  }

  #flush(): void {
    const queue = this.#queue;
    this.#queue = [];
    const results: Result<unknown, StorageErrorCode>[] = [];
    const committed = this.#batch(() => {
      for (const { step } of queue) results.push(step());
    });
    queue.forEach(({ done }, i) => done(committed.ok ? results[i] : err(committed.error)));
  }
}
