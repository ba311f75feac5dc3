import type { Result } from '../core/index.js';
import type { Logger } from '../log/index.js';
import type { StorageErrorCode, StorageFailure } from './errors.js';
import type { GroupCommit } from './group-commit.js';
import type { ReceivingPort } from './incoming.js';

/**
 * Stores an incoming message in the inbox's next group commit: the store's receipt once committed,
 * or `undefined` when the receiver stopped meanwhile or the store failed (the desk is told). With
 * `notStored`, a failure is also logged under that message.
 */
export type StoreIncoming = <T>(
  step: () => Result<T, StorageErrorCode>,
  notStored?: string,
) => Promise<T | undefined>;

export const storeIncoming =
  (commit: GroupCommit, p: Pick<ReceivingPort, 'stopped'> & StorageFailure, logger: Logger): StoreIncoming =>
  async (step, notStored) => {
    const stored = await commit.run(step);
    if (p.stopped()) return undefined;
    if (!stored.ok) {
      // Not stored, so not acknowledged: the unit's outbox sends it again.
      if (notStored !== undefined) logger.error(notStored, { code: stored.error });
      p.failed(stored.error);
      return undefined;
    }
    return stored.value;
  };
