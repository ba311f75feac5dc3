import { randomFillSync } from 'node:crypto';
import libsodium from 'libsodium-wrappers-sumo';

/**
 * The few libsodium primitives we use, behind a local interface: domain code never sees
 * libsodium-wrappers, and failures come back as `null` instead of the wrappers' thrown strings.
 * The "sumo" build of libsodium-wrappers, for crypto_pwhash (Argon2id); it is WebAssembly and must be initialised once; the top-level await does that
 * when this module is first imported, so every function below is synchronous.
 * Members are function-typed properties, not methods, so they can be passed around unbound.
 */
export interface Sodium {
  readonly randomBytes: (length: number) => Uint8Array;
  /** BLAKE2b (crypto_generichash) with an output of `length` bytes, unkeyed. */
  readonly hash: (length: number, message: Uint8Array) => Uint8Array;
  readonly signSeedKeypair: (seed: Uint8Array) => { publicKey: Uint8Array; privateKey: Uint8Array };
  readonly signDetached: (message: Uint8Array, privateKey: Uint8Array) => Uint8Array;
  readonly verifyDetached: (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => boolean;
  /** X25519 public key of a secret scalar. */
  readonly scalarmultBase: (secretKey: Uint8Array) => Uint8Array;
  readonly boxSeal: (message: Uint8Array, publicKey: Uint8Array) => Uint8Array;
  readonly boxSealOpen: (
    ciphertext: Uint8Array,
    publicKey: Uint8Array,
    secretKey: Uint8Array,
  ) => Uint8Array | null;
  readonly secretboxEasy: (message: Uint8Array, nonce: Uint8Array, key: Uint8Array) => Uint8Array;
  readonly secretboxOpenEasy: (
    ciphertext: Uint8Array,
    nonce: Uint8Array,
    key: Uint8Array,
  ) => Uint8Array | null;
  /** Best effort: zeroes this array, not copies the engine or the WASM heap may hold. */
  readonly memzero: (bytes: Uint8Array) => void;
  /** Constant-time equality of two arrays of the same length. */
  readonly equal: (a: Uint8Array, b: Uint8Array) => boolean;
  /** crypto_pwhash with Argon2id v1.3: a key of `length` bytes stretched from a passphrase. */
  readonly pwhash: (
    length: number,
    passphrase: Uint8Array,
    salt: Uint8Array,
    opsLimit: number,
    memLimit: number,
  ) => Uint8Array;
  /** Whether a PHC string was made with other limits (or another algorithm) than these. */
  readonly pwhashStrNeedsRehash: (hash: string, opsLimit: number, memLimit: number) => boolean;
}

await libsodium.ready;

const orNull = <T>(fn: () => T): T | null => {
  try {
    return fn();
  } catch {
    return null;
  }
};

export const sodium: Sodium = {
  // Node's CSPRNG (OpenSSL) rather than randombytes_buf: through WebAssembly the latter measured
  // ~9k calls/s here (one per nonce or message id), node's ~1M; both are cryptographically secure.
  randomBytes: (length) => randomFillSync(new Uint8Array(length)),
  hash: (length, message) => libsodium.crypto_generichash(length, message, null),
  signSeedKeypair: (seed) => {
    const { publicKey, privateKey } = libsodium.crypto_sign_seed_keypair(seed);
    return { publicKey, privateKey };
  },
  signDetached: (message, privateKey) => libsodium.crypto_sign_detached(message, privateKey),
  verifyDetached: (signature, message, publicKey) =>
    orNull(() => libsodium.crypto_sign_verify_detached(signature, message, publicKey)) === true,
  scalarmultBase: (secretKey) => libsodium.crypto_scalarmult_base(secretKey),
  // crypto_box_seal's own construction (libsodium docs, "Sealed boxes"): an ephemeral X25519 key pair,
  // nonce = BLAKE2b-192(ephemeral pk ‖ recipient pk), crypto_box_easy, ephemeral pk in front. Built
  // here only so the ephemeral secret comes from node's CSPRNG: crypto_box_seal draws it through
  // randombytes_buf, whose WebAssembly bridge made a third of the seal's time (bench:crypto).
  boxSeal: (message, publicKey) => {
    const ephemeralSecret = randomFillSync(new Uint8Array(SIZES.x25519Key));
    const ephemeralPublic = libsodium.crypto_scalarmult_base(ephemeralSecret);
    const head = new Uint8Array(SIZES.x25519Key * 2);
    head.set(ephemeralPublic);
    head.set(publicKey, SIZES.x25519Key);
    const nonce = libsodium.crypto_generichash(SIZES.boxNonce, head, null);
    const boxed = libsodium.crypto_box_easy(message, nonce, publicKey, ephemeralSecret);
    libsodium.memzero(ephemeralSecret);
    const sealed = new Uint8Array(SIZES.x25519Key + boxed.length);
    sealed.set(ephemeralPublic);
    sealed.set(boxed, SIZES.x25519Key);
    return sealed;
  },
  boxSealOpen: (ciphertext, publicKey, secretKey) =>
    orNull(() => libsodium.crypto_box_seal_open(ciphertext, publicKey, secretKey)),
  secretboxEasy: (message, nonce, key) => libsodium.crypto_secretbox_easy(message, nonce, key),
  secretboxOpenEasy: (ciphertext, nonce, key) =>
    orNull(() => libsodium.crypto_secretbox_open_easy(ciphertext, nonce, key)),
  memzero: (bytes) => libsodium.memzero(bytes),
  equal: (a, b) => a.length === b.length && libsodium.memcmp(a, b),
  pwhash: (length, passphrase, salt, opsLimit, memLimit) =>
    libsodium.crypto_pwhash(
      length,
      passphrase,
      salt,
      opsLimit,
      memLimit,
      libsodium.crypto_pwhash_ALG_ARGON2ID13,
    ),
  pwhashStrNeedsRehash: (hash, opsLimit, memLimit) =>
    orNull(() => libsodium.crypto_pwhash_str_needs_rehash(hash, opsLimit, memLimit)) !== false,
};

export const SIZES = {
  keyId: 16,
  ed25519PublicKey: 32,
  ed25519Seed: 32,
  signature: 64,
  x25519Key: 32,
  sealOverhead: 48,
  secretboxKey: 32,
  secretboxNonce: 24,
  boxNonce: 24,
  secretboxMac: 16,
  pwhashSalt: 16,
} as const;
