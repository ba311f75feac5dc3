import type { RoleConfig } from '../config/index.js';
import {
  openAmbulanceFeed,
  openReceiver,
  type AmbulanceFeed,
  type Receiver,
} from '../hospital-feed/index.js';
import { join } from 'node:path';
import { SqliteReplayStore } from '../crypto/index.js';
import { SodiumEnvelopeCodec } from './envelope-codec.js';
import type { RoleContext } from './runtime.js';

/** What the tablet (ambulance) or the triage board (hospital) screens call. */
export type RoleFeed =
  | { readonly role: 'ambulance'; readonly feed: AmbulanceFeed }
  | { readonly role: 'hospital'; readonly receiver: Receiver; readonly codec: SodiumEnvelopeCodec };

/**
 * Starts the hospital feed for the ambulance (outbox) and hospital (receiver) roles, with their
 * SQLite files (outbox or inbox, and the envelope replay store) under the role's data directory.
 */
export const mountFeed = async (config: RoleConfig, ctx: RoleContext): Promise<RoleFeed | undefined> => {
  if (config.role === 'dispatch') return undefined;
  const replay = new SqliteReplayStore(join(config.dataDir, 'replay.sqlite'));
  ctx.onStop(() => replay.close());
  const codec = new SodiumEnvelopeCodec({
    identity: ctx.crypto.identity,
    keys: ctx.crypto.keys,
    directory: ctx.crypto.directory,
    replay,
    clock: ctx.clock,
  });
  const setup = {
    dataDir: config.dataDir,
    principalId: config.id,
    codec,
    link: ctx.link,
    logger: ctx.logger.child({ part: 'hospital-feed' }),
    metrics: ctx.metrics,
  };
  if (config.role === 'ambulance') {
    const opened = openAmbulanceFeed(setup);
    if (!opened.ok) throw new Error(`hospital feed: ${opened.error.message}`);
    await opened.value.start();
    ctx.onStop(() => opened.value.stop());
    return { role: 'ambulance', feed: opened.value };
  }
  const opened = openReceiver(setup);
  if (!opened.ok) throw new Error(`hospital feed: ${opened.error.message}`);
  await opened.value.start();
  ctx.onStop(() => opened.value.stop());
  return { role: 'hospital', receiver: opened.value, codec };
};
