import { join } from 'node:path';
import type { RoleConfig } from '../config/index.js';
import type { Clock } from '../core/index.js';
import {
  CryptoError,
  DirectorySource,
  fromBase64,
  readKeyFile,
  toError,
  type DeviceIdentity,
} from '../crypto/index.js';
import type { CheckState } from '../gateway/index.js';
import type { Logger } from '../log/index.js';

/** In the role's data directory: the newest key directory serial (and issue time) it accepted. */
export const DIRECTORY_SEEN_FILE = 'directory-serial.json';

export interface RoleCrypto {
  /** The key this role signs with, and opens envelopes sealed to it. */
  readonly identity: DeviceIdentity;
  /** Every key envelopes to this role may be sealed to: `identity`, then the retiring key if any. */
  readonly keys: readonly DeviceIdentity[];
  readonly directory: DirectorySource;
}

const loadKey = async (
  file: string,
  passphrase: string | undefined,
  principal: string,
): Promise<DeviceIdentity> => {
  const read = await readKeyFile(file, passphrase);
  if (!read.ok) throw toError(read.error);
  if (read.value.principal !== principal) {
    read.value.wipe();
    throw new CryptoError(
      'KEY_FILE_INCONSISTENT',
      `${file} belongs to ${read.value.principal}, not to ${principal}`,
    );
  }
  return read.value;
};

/**
 * Loads the role's key file and the pinned directory; a problem stops the start with its code
 * (a role that cannot sign or verify must not pretend to run).
 */
export const loadRoleCrypto = async (
  config: RoleConfig,
  env: Readonly<Record<string, string | undefined>>,
  logger: Logger,
): Promise<RoleCrypto> => {
  const passphraseEnv = config.keys.passphraseEnv;
  const passphrase = passphraseEnv === undefined ? undefined : env[passphraseEnv];
  if (passphraseEnv !== undefined && passphrase === undefined)
    throw new CryptoError('KEY_FILE_PASSPHRASE_REQUIRED', `environment variable ${passphraseEnv} is not set`);
  const keys = [await loadKey(config.keys.file, passphrase, config.id)];
  const wipeAll = (): void => keys.forEach((k) => k.wipe());
  try {
    if (config.keys.previousFile !== undefined)
      keys.push(await loadKey(config.keys.previousFile, passphrase, config.id));
  } catch (error) {
    wipeAll();
    throw error;
  }
  const operatorKey = fromBase64(config.directory.operatorPublicKey) as Uint8Array;
  // The highest serial accepted survives restarts: an older directory could bring back a revoked key.
  const directory = await DirectorySource.load(config.directory.file, operatorKey, logger, {
    seenFile: join(config.dataDir, DIRECTORY_SEEN_FILE),
  });
  if (!directory.ok) {
    wipeAll();
    throw toError(directory.error);
  }
  directory.value.watch();
  const identity = keys[0] as DeviceIdentity;
  logger.info('device keys loaded', { keyId: identity.keyIdHex, keys: keys.length });
  return { identity, keys, directory: directory.value };
};

/** Readiness `keys`: our own key must be in the directory in force and valid now. */
export const keysCheck = (crypto: RoleCrypto, clock: Clock): CheckState => {
  const { status } = crypto.directory.current.lookup(crypto.identity.keyIdHex, clock.now());
  return status === 'valid'
    ? { ready: true }
    : { ready: false, reason: `our key ${crypto.identity.keyIdHex} is ${status} in the key directory` };
};
