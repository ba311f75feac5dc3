import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../log/index.js';

/**
 * The replay file dispatch kept before its stores became the replay check (docs/dispatch.md,
 * "Nothing lost across kill -9"), with the SQLite files beside it (WAL: `-wal`, `-shm`).
 */
export const LEGACY_REPLAY_FILES = ['replay.sqlite', 'replay.sqlite-wal', 'replay.sqlite-shm'] as const;

/**
 * Removes the replay file an earlier version left. It held one table, `seen_message(message_id,
 * keep_until)`: the id of every envelope opened on the dispatch inbox, remembered at opening. Nothing
 * in it is needed after the upgrade, so nothing is carried over: a copy of a message it remembered is
 * taken through the checks that find its effect in the stores (an answer already applied changes
 * nothing, a winner's is confirmed again; a unit's milestone already recorded is a duplicate; an
 * outcome's row is keyed by its id), and an id it holds of a message opened but never applied (the
 * kill -9 window it had) would only refuse that message's redelivery for good.
 *
 * Called once the new stores are open, so a start that fails leaves the old file as it was. Each
 * start tries every file again (one already gone is done), so a removal cut short is finished later.
 * A removal that fails is logged with the system's code (no path, no id) and the role runs on.
 */
export const removeLegacyReplay = (dataDir: string, logger: Logger): void => {
  for (const name of LEGACY_REPLAY_FILES)
    try {
      unlinkSync(join(dataDir, name));
      logger.info('dispatch replay file of an earlier version removed', { file: name });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
      if (code !== 'ENOENT')
        logger.warn('dispatch replay file of an earlier version not removed', { file: name, code });
    }
};
