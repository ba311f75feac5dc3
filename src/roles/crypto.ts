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

export interface RoleCrypto {
  readonly identity: DeviceIdentity;
  readonly directory: DirectorySource;
}

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
  const keys = await readKeyFile(config.keys.file, passphrase);
  if (!keys.ok) throw toError(keys.error);
  const identity = keys.value;
  if (identity.principal !== config.id) {
    identity.wipe();
    throw new CryptoError(
      'KEY_FILE_INCONSISTENT',
      `${config.keys.file} belongs to ${identity.principal}, not to ${config.id}`,
    );
  }
  const operatorKey = fromBase64(config.directory.operatorPublicKey) as Uint8Array;
  const directory = await DirectorySource.load(config.directory.file, operatorKey, logger);
  if (!directory.ok) {
    identity.wipe();
    throw toError(directory.error);
  }
  directory.value.watch();
  logger.info('device keys loaded', { keyId: identity.keyIdHex });
  return { identity, directory: directory.value };
};

/** Readiness `keys`: our own key must be in the directory in force and valid now. */
export const keysCheck = (crypto: RoleCrypto, clock: Clock): CheckState => {
  const { status } = crypto.directory.current.lookup(crypto.identity.keyIdHex, clock.now());
  return status === 'valid'
    ? { ready: true }
    : { ready: false, reason: `our key ${crypto.identity.keyIdHex} is ${status} in the key directory` };
};
