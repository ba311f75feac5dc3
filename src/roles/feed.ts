import type { RoleConfig } from '../config/index.js';
import {
  openAmbulanceFeed,
  openReceiver,
  type AmbulanceFeed,
  type Receiver,
} from '../hospital-feed/index.js';
import type { ReplayStore } from '../crypto/index.js';
import { SodiumEnvelopeCodec } from './envelope-codec.js';
import type { RoleContext } from './runtime.js';

/** What the tablet (ambulance) or the triage board (hospital) screens call. */
export type RoleFeed =
  | { readonly role: 'ambulance'; readonly feed: AmbulanceFeed }
  | { readonly role: 'hospital'; readonly receiver: Receiver; readonly codec: SodiumEnvelopeCodec };

/**
 * Both sides' replay check is their own database: an envelope is a replay once its message id is
 * stored there, and the feed stores the id in the same commit as the change the message makes (the
 * hospital's inbox stores the report; the ambulance's outbox the report's new state). A separate
 * replay file would remember an id before the change was stored, so a kill -9 between the two commits
 * would turn the sender's resend into a "replay" and lose the message. Ids stay at least
 * MIN_RETENTION_MS, longer than any envelope lives. Only kinds that change stored state are covered
 * (report, update, cancel at the hospital; viewed, answer, handover at the ambulance); the other
 * kinds each side accepts must be idempotent (an `ack` of receipt is).
 */
export const storedReplayCheck = (isStored: (messageId: string) => boolean): ReplayStore => ({
  remember: (messageId) => !isStored(messageId),
  prune: () => 0,
  size: () => 0,
  close: () => undefined,
});

/**
 * Starts the hospital feed for the ambulance (outbox) and hospital (receiver) roles, with their
 * SQLite files (the outbox, and at the hospital the inbox) under the role's data directory.
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
    const opened = openAmbulanceFeed({
      ...setup,
      codec: (outbox) => codecWith(storedReplayCheck((id) => outbox.applied(id) !== undefined)),
      outcomeRetentionMs: config.outcomes.retentionHours * 3_600_000,
    });
    if (!opened.ok) throw new Error(`hospital feed: ${opened.error.message}`);
    await opened.value.start();
    // Stops its timers and closes the outbox (the link closes after it).
    ctx.onStop(() => opened.value.stop());
    return { role: 'ambulance', feed: opened.value };
  }
  // Kept for the hospital's own sealing (inquiry answers); its replay check is the inbox, as above.
  let codec: SodiumEnvelopeCodec | undefined;
  const opened = openReceiver({
    ...setup,
    codec: (inbox) => (codec = codecWith(storedReplayCheck((id) => inbox.has(id)))),
    retentionDays: config.retentionDays,
  });
  if (!opened.ok) throw new Error(`hospital feed: ${opened.error.message}`);
  await opened.value.start();
  // Stops its timers and closes the inbox and reply outbox (the link closes after it).
  ctx.onStop(() => opened.value.stop());
  if (codec === undefined) throw new Error('hospital feed: the receiver made no codec');
  return { role: 'hospital', receiver: opened.value, codec };
};
