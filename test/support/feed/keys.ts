import { join } from 'node:path';
import { systemClock, type Clock } from '../../../src/core/index.js';
import {
  DeviceIdentity,
  entryFor,
  fromBase64,
  MemoryReplayStore,
  signDirectory,
  verifyDirectory,
  readDirectoryFile,
  readKeyFile,
  SqliteReplayStore,
  toError,
  type PrincipalRole,
  type ReplayStore,
} from '../../../src/crypto/index.js';
import type { SqliteInboxStore } from '../../../src/hospital-feed/index.js';
import { SodiumEnvelopeCodec } from '../../../src/roles/envelope-codec.js';
import { ensureDemoKeys, type DemoKeys } from '../../../src/roles/demo-keys.js';
import { inboxReplayStore } from '../../../src/roles/feed.js';

/** The feed tests' principals and their roles in the signed key directory. */
export const FEED_PRINCIPALS: Readonly<Record<string, PrincipalRole>> = {
  'amb-demo-01': 'ambulance',
  'amb-demo-02': 'ambulance',
  'hosp-demo-a': 'hospital',
  'hosp-demo-b': 'hospital',
  'dispatch-demo': 'dispatch',
};

/**
 * Real key files (one per principal) and a directory signed by a test operator, in `dir/keys`,
 * written the way the demo writes its own; idempotent, so child processes can call it too.
 */
export const feedKeys = (dir: string, principals = FEED_PRINCIPALS): Promise<DemoKeys> =>
  ensureDemoKeys(
    dir,
    Object.entries(principals).map(([id, role]) => ({ id, role, displayName: `test ${id}` })),
    Date.now(),
  );

export type ReplayChoice = 'file' | { readonly inbox: SqliteInboxStore } | { readonly store: ReplayStore };

/**
 * The production codec for one principal, from its key file and the signed directory. The replay
 * store is what the role uses: a SQLite file beside the outbox (ambulance) or the inbox (hospital).
 */
export const feedCodec = async (
  keys: DemoKeys,
  principal: string,
  replay: ReplayChoice,
  dir: string,
  clock: Clock = systemClock,
): Promise<{ readonly codec: SodiumEnvelopeCodec; close(): void }> => {
  const identity = await readKeyFile(keys.keyFile(principal));
  if (!identity.ok) throw toError(identity.error);
  const operator = fromBase64(keys.operatorPublicKey);
  if (operator === null) throw new Error('operator key is not base64');
  const directory = await readDirectoryFile(keys.directoryFile, operator);
  if (!directory.ok) throw toError(directory.error);
  const store =
    replay === 'file'
      ? new SqliteReplayStore(join(dir, 'replay.sqlite'))
      : 'inbox' in replay
        ? inboxReplayStore(replay.inbox)
        : replay.store;
  const codec = new SodiumEnvelopeCodec({
    identity: identity.value,
    keys: [identity.value],
    directory: { current: directory.value },
    replay: store,
    clock,
  });
  return { codec, close: () => store.close() };
};

/**
 * A sender the pinned directory does not know: its own key and its own operator's directory, which
 * lists the real recipient's key, so what it seals reaches the recipient and fails only on the sender.
 */
export const strangerCodec = async (
  keys: DemoKeys,
  principal: string,
  to: string,
): Promise<SodiumEnvelopeCodec> => {
  const recipient = await readKeyFile(keys.keyFile(to));
  if (!recipient.ok) throw toError(recipient.error);
  const self = DeviceIdentity.generate(principal);
  const operator = DeviceIdentity.generate('operator-rogue');
  const now = Date.now();
  const signed = signDirectory(
    {
      region: 'rogue',
      serial: 1,
      issuedAt: new Date(now).toISOString(),
      entries: [
        entryFor(self, 'ambulance', 'rogue', now - 86_400_000, now + 86_400_000),
        entryFor(recipient.value, 'hospital', 'target', now - 86_400_000, now + 86_400_000),
      ],
    },
    operator,
  );
  if (!signed.ok) throw toError(signed.error);
  const directory = verifyDirectory(signed.value, operator.publicKeys.ed25519);
  if (!directory.ok) throw toError(directory.error);
  return new SodiumEnvelopeCodec({
    identity: self,
    keys: [self],
    directory: { current: directory.value },
    replay: new MemoryReplayStore(),
    clock: systemClock,
  });
};
