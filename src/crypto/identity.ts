import { inspect } from 'node:util';
import { ascii, concat, toHex } from './bytes.js';
import { SIZES, sodium, type SigningKey } from './sodium.js';

/** The two public keys of a principal: Ed25519 to verify its signatures, X25519 to seal to it. */
export interface PublicKeys {
  readonly ed25519: Uint8Array;
  readonly x25519: Uint8Array;
}

const KEY_ID_CONTEXT = ascii('ems-gateway/key-id/v1');

/**
 * Key id: the first 16 bytes of BLAKE2b-128 (crypto_generichash, unkeyed, 16-byte output) over
 * "ems-gateway/key-id/v1" ‖ Ed25519 public key ‖ X25519 public key. It names one key pair
 * generation of one principal; a rotated key gets a new id. Text form: 32 lower-case hex digits.
 */
export const keyIdOf = (keys: PublicKeys): Uint8Array =>
  sodium.hash(SIZES.keyId, concat(KEY_ID_CONTEXT, keys.ed25519, keys.x25519));

interface Secrets {
  /** The Ed25519 seed, kept for the key file; the signing key is made from it. */
  readonly ed25519Seed: Uint8Array;
  readonly signing: SigningKey;
  readonly x25519Secret: Uint8Array;
}

// Secrets live outside the object, so no enumeration, spread, JSON or inspect of an identity can reach them.
const SECRETS = new WeakMap<DeviceIdentity, Secrets>();

/**
 * A principal's own key pairs. Only `sign` and `openSealed` use the private keys; every text form of
 * the object names the principal and key id and nothing else.
 */
export class DeviceIdentity {
  readonly principal: string;
  readonly publicKeys: PublicKeys;
  readonly keyId: Uint8Array;
  readonly keyIdHex: string;

  private constructor(principal: string, publicKeys: PublicKeys, secrets: Secrets) {
    this.principal = principal;
    this.publicKeys = publicKeys;
    this.keyId = keyIdOf(publicKeys);
    this.keyIdHex = toHex(this.keyId);
    SECRETS.set(this, secrets);
  }

  /** Builds an identity from its two 32-byte secrets (copied; the caller may wipe its arrays). */
  static fromSecrets(principal: string, ed25519Seed: Uint8Array, x25519Secret: Uint8Array): DeviceIdentity {
    if (ed25519Seed.length !== SIZES.ed25519Seed || x25519Secret.length !== SIZES.x25519Key)
      throw new RangeError('an identity needs a 32-byte Ed25519 seed and a 32-byte X25519 secret');
    const signing = sodium.signingKey(ed25519Seed);
    const publicKeys = { ed25519: signing.publicKey, x25519: sodium.scalarmultBase(x25519Secret) };
    return new DeviceIdentity(principal, publicKeys, {
      ed25519Seed: ed25519Seed.slice(),
      signing,
      x25519Secret: x25519Secret.slice(),
    });
  }

  static generate(principal: string, random: (n: number) => Uint8Array = sodium.randomBytes): DeviceIdentity {
    const seed = random(SIZES.ed25519Seed);
    const x = random(SIZES.x25519Key);
    const identity = DeviceIdentity.fromSecrets(principal, seed, x);
    sodium.memzero(seed);
    sodium.memzero(x);
    return identity;
  }

  sign(message: Uint8Array): Uint8Array {
    return sodium.signDetached(message, this.#secrets().signing);
  }

  /** crypto_box_seal_open with our X25519 keys; `null` when the box was not sealed to us or was altered. */
  openSealed(ciphertext: Uint8Array): Uint8Array | null {
    return sodium.boxSealOpen(ciphertext, this.publicKeys.x25519, this.#secrets().x25519Secret);
  }

  /**
   * Zeroes the private keys we hold and drops the signing key; the identity is unusable afterwards.
   * OpenSSL clears its copy of the signing key when the key object is collected.
   */
  wipe(): void {
    const secrets = SECRETS.get(this);
    if (secrets === undefined) return;
    sodium.memzero(secrets.ed25519Seed);
    sodium.memzero(secrets.signing.secretKey);
    sodium.memzero(secrets.x25519Secret);
    SECRETS.delete(this);
  }

  #secrets(): Secrets {
    const secrets = SECRETS.get(this);
    if (secrets === undefined) throw new Error(`identity ${this.keyIdHex} was wiped`);
    return secrets;
  }

  toString(): string {
    return `DeviceIdentity(${this.principal}, key ${this.keyIdHex})`;
  }

  toJSON(): { principal: string; keyId: string } {
    return { principal: this.principal, keyId: this.keyIdHex };
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** For the key file encoder only (not exported from the folder): the two 32-byte secrets. */
export const exportSecrets = (
  identity: DeviceIdentity,
): { readonly ed25519Seed: Uint8Array; readonly x25519Secret: Uint8Array } => {
  const secrets = SECRETS.get(identity);
  if (secrets === undefined) throw new Error(`identity ${identity.keyIdHex} was wiped`);
  return { ed25519Seed: secrets.ed25519Seed, x25519Secret: secrets.x25519Secret };
};
