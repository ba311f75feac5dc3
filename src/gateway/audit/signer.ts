import { readFile, writeFile } from 'node:fs/promises';
import { SIZES, sodium } from '../../crypto/index.js';
import type { VerifySignature } from './verify.js';

export interface CheckpointSigner {
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

/**
 * The instance's audit signing key (Ed25519), generated once into `file` (0600). It stands in for the
 * device key until the crypto part's device identity lands; then checkpoints are signed with that.
 */
export const loadOrCreateSigner = async (file: string): Promise<CheckpointSigner> => {
  let secretKey: Uint8Array;
  try {
    secretKey = new Uint8Array(await readFile(file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const seed = sodium.randomBytes(SIZES.ed25519Seed);
    secretKey = new Uint8Array(SIZES.ed25519Seed + SIZES.ed25519PublicKey);
    secretKey.set(seed);
    secretKey.set(sodium.signingKey(seed).publicKey, SIZES.ed25519Seed);
    sodium.memzero(seed);
    await writeFile(file, secretKey, { mode: 0o600, flag: 'wx' });
  }
  // libsodium's 64-byte Ed25519 secret key, as the file has always held it: the seed, then the public key.
  const key =
    secretKey.length === SIZES.ed25519Seed + SIZES.ed25519PublicKey
      ? sodium.signingKey(secretKey.subarray(0, SIZES.ed25519Seed))
      : undefined;
  if (key === undefined || !sodium.equal(key.publicKey, secretKey.subarray(SIZES.ed25519Seed)))
    throw new Error(`${file} is not an Ed25519 key`);
  sodium.memzero(secretKey);
  return { publicKey: key.publicKey, sign: (message) => sodium.signDetached(message, key) };
};

export const ed25519Verify = (): Promise<VerifySignature> => Promise.resolve(sodium.verifyDetached);
