import type { RoleConfig } from '../config/index.js';
import {
  openAmbulanceFeed,
  openReceiver,
  type AmbulanceFeed,
  type Receiver,
  type SqliteInboxStore,
} from '../hospital-feed/index.js';
import { join } from 'node:path';
import { SqliteReplayStore, type ReplayStore } from '../crypto/index.js';
import { SodiumEnvelopeCodec } from './envelope-codec.js';
import type { RoleContext } from './runtime.js';

/** What the tablet (ambulance) or the triage board (hospital) screens call. */
export type RoleFeed =
  | { readonly role: 'ambulance'; readonly feed: AmbulanceFeed }
  | { readonly role: 'hospital'; readonly receiver: Receiver; readonly codec: SodiumEnvelopeCodec };

/**
 * The hospital's replay check is the inbox itself: an envelope is a replay once its message id is
 * stored there, and the id is stored in the same commit as the report. A separate replay file would
 * remember an id before the inbox stored its report, so a kill -9 between the two commits would turn
 * the unit's resend into a "replay" and lose the report. Ids stay for the retention period (at least
 * MIN_RETENTION_MS, longer than any envelope lives). Only kinds the inbox stores (report, update,
 * cancel) are covered; the other kinds the receiver accepts must be idempotent (an `ack` is).
 */
export const inboxReplayStore = (inbox: SqliteInboxStore): ReplayStore => ({
  remember: (messageId) => !inbox.has(messageId),
  prune: () => 0,
  size: () => 0,
  close: () => undefined,
});

/**
 * Starts the hospital feed for the ambulance (outbox) and hospital (receiver) roles, with their
 * SQLite files (outbox or inbox, and the envelope replay store) under the role's data directory.
 */
export const mountFeed = async (config: RoleConfig, ctx: RoleContext): Promise<RoleFeed | undefined> => {
  if (config.role === 'dispatch') return undefined;
  const codecWith = (replay: ReplayStore): SodiumEnvelopeCodec =>
    new SodiumEnvelopeCodec({
      identity: ctx.crypto.identity,
      keys: ctx.crypto.keys,
      directory: ctx.crypto.directory,
      replay,
      clock: ctx.clock,
    });
  const setup = {
    dataDir: config.dataDir,
    principalId: config.id,
    link: ctx.link,
    logger: ctx.logger.child({ part: 'hospital-feed' }),
    metrics: ctx.metrics,
    clock: ctx.clock,
  };
  if (config.role === 'ambulance') {
    const replay = new SqliteReplayStore(join(config.dataDir, 'replay.sqlite'));
    ctx.onStop(() => replay.close());
    const opened = openAmbulanceFeed({ ...setup, codec: codecWith(replay) });
    if (!opened.ok) throw new Error(`hospital feed: ${opened.error.message}`);
    await opened.value.start();
    ctx.onStop(() => opened.value.stop());
    return { role: 'ambulance', feed: opened.value };
  }
  // Kept for the hospital's own sealing (inquiry answers); its replay check is the inbox, as above.
  let codec: SodiumEnvelopeCodec | undefined;
  const opened = openReceiver({
    ...setup,
    codec: (inbox) => (codec = codecWith(inboxReplayStore(inbox))),
    retentionDays: config.retentionDays,
  });
  if (!opened.ok) throw new Error(`hospital feed: ${opened.error.message}`);
  await opened.value.start();
  // Stops its timers and closes the inbox and reply outbox (the link closes after it).
  ctx.onStop(() => opened.value.stop());
  if (codec === undefined) throw new Error('hospital feed: the receiver made no codec');
  return { role: 'hospital', receiver: opened.value, codec };
};
