import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { privateDir } from '../core/index.js';
import {
  DeviceIdentity,
  KeyFileErrorCode,
  readDirectoryFile,
  readKeyFile,
  signDirectory,
  toBase64,
  toError,
  writeKeyFile,
  entryFor,
  type KeyDirectory,
  type PrincipalRole,
} from '../crypto/index.js';

export interface DemoPrincipal {
  readonly id: string;
  readonly role: PrincipalRole;
  readonly displayName: string;
}

export interface DemoKeys {
  readonly directoryFile: string;
  /** Base64 Ed25519 public key of the demo operator, as `directory.operatorPublicKey` wants it. */
  readonly operatorPublicKey: string;
  keyFile(principal: string): string;
}

const OPERATOR = 'operator-demo';
const DAY = 24 * 3600_000;

/** The principal's key from its file, or a new key file when there is none yet. */
const ensureKey = async (file: string, principal: string, now: number): Promise<DeviceIdentity> => {
  const existing = await readKeyFile(file);
  if (existing.ok) return existing.value;
  if (existing.error.code !== KeyFileErrorCode.UNREADABLE) throw toError(existing.error);
  const identity = DeviceIdentity.generate(principal);
  const written = await writeKeyFile(file, identity, { createdAt: now });
  if (!written.ok) throw toError(written.error);
  return identity;
};

const coversEveryone = (
  directory: KeyDirectory,
  identities: readonly DeviceIdentity[],
  now: number,
): boolean => identities.every((i) => directory.lookup(i.keyIdHex, now).status === 'valid');

/**
 * Idempotent: on first run creates an operator key, a key file per demo principal and a directory
 * signed by the operator under DATA_DIR/keys; later runs reuse them, and re-sign the directory (with
 * the next serial) only when it no longer covers every principal's key.
 */
export const ensureDemoKeys = async (
  dataDir: string,
  principals: readonly DemoPrincipal[],
  now: number,
): Promise<DemoKeys> => {
  const dir = join(dataDir, 'keys');
  privateDir(dir);
  const keyFile = (principal: string): string => join(dir, `${principal}.key`);
  const directoryFile = join(dir, 'directory.json');
  const operator = await ensureKey(keyFile(OPERATOR), OPERATOR, now);
  const identities: DeviceIdentity[] = [];
  for (const p of principals) identities.push(await ensureKey(keyFile(p.id), p.id, now));
  try {
    const current = await readDirectoryFile(directoryFile, operator.publicKeys.ed25519);
    if (!current.ok || !coversEveryone(current.value, identities, now)) {
      const signed = signDirectory(
        {
          region: 'demo',
          serial: current.ok ? current.value.serial + 1 : 1,
          issuedAt: new Date(now).toISOString(),
          entries: principals.map((p, i) =>
            entryFor(identities[i] as DeviceIdentity, p.role, p.displayName, now - DAY, now + 365 * DAY),
          ),
        },
        operator,
      );
      if (!signed.ok) throw toError(signed.error);
      // Replace by rename, so a running role watching the file never reads half of it.
      await writeFile(`${directoryFile}.tmp`, signed.value, { mode: 0o644 });
      await rename(`${directoryFile}.tmp`, directoryFile);
    }
    return { directoryFile, operatorPublicKey: toBase64(operator.publicKeys.ed25519), keyFile };
  } finally {
    operator.wipe();
    for (const identity of identities) identity.wipe();
  }
};
