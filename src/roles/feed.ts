import type { RoleConfig } from '../config/index.js';
import {
  openAmbulanceFeed,
  openReceiver,
  type AmbulanceFeed,
  type EnvelopeCodec,
  type Receiver,
} from '../hospital-feed/index.js';
import type { RoleContext } from './runtime.js';

/** What the tablet (ambulance) or the triage board (hospital) screens call. */
export type RoleFeed =
  | { readonly role: 'ambulance'; readonly feed: AmbulanceFeed }
  | { readonly role: 'hospital'; readonly receiver: Receiver };

/**
 * Starts the hospital feed for the ambulance (outbox) and hospital (receiver) roles, with their
 * SQLite files under the role's data directory. Without an envelope codec (src/crypto, issue #4)
 * nothing can be sealed, so the feed stays off and the log says why: no report is ever faked.
 */
export const mountFeed = async (
  config: RoleConfig,
  ctx: RoleContext,
  codec: EnvelopeCodec | undefined,
): Promise<RoleFeed | undefined> => {
  if (config.role === 'dispatch') return undefined;
  if (codec === undefined) {
    ctx.logger.warn('hospital feed off: no envelope codec configured');
    return undefined;
  }
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
  return { role: 'hospital', receiver: opened.value };
};
