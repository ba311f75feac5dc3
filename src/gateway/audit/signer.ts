import { readFile, writeFile } from 'node:fs/promises';
import sodium from 'libsodium-wrappers-sumo';
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
  await sodium.ready;
  let secretKey: Uint8Array;
  try {
    secretKey = new Uint8Array(await readFile(file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    secretKey = sodium.crypto_sign_keypair().privateKey;
    await writeFile(file, secretKey, { mode: 0o600, flag: 'wx' });
  }
  if (secretKey.length !== sodium.crypto_sign_SECRETKEYBYTES)
    throw new Error(`${file} is not an Ed25519 key`);
  return {
    // libsodium keeps the public key in the second half of an Ed25519 secret key.
    publicKey: secretKey.slice(32),
    sign: (message) => sodium.crypto_sign_detached(message, secretKey),
  };
};

export const ed25519Verify = async (): Promise<VerifySignature> => {
  await sodium.ready;
  return (signature, message, publicKey) => {
    try {
      return sodium.crypto_sign_verify_detached(signature, message, publicKey);
    } catch {
      return false;
    }
  };
};
