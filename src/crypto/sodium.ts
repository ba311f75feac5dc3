import { createPrivateKey, createPublicKey, randomFillSync, sign, verify, type KeyObject } from 'node:crypto';
import libsodium from 'libsodium-wrappers-sumo';
import { LRUCache } from 'lru-cache';

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
  /** An Ed25519 key pair from its 32-byte seed (RFC 8032 §5.1.5); the caller may wipe the seed. */
  readonly signingKey: (seed: Uint8Array) => SigningKey;
  /** Ed25519 (RFC 8032, pure): the same 64 bytes as libsodium's crypto_sign_detached. */
  readonly signDetached: (message: Uint8Array, key: SigningKey) => Uint8Array;
  /** As crypto_sign_verify_detached: false for a bad signature, and for a key that is not a valid point of the prime-order group. */
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

/** An Ed25519 private key held by OpenSSL, with its public key. Opaque outside this module. */
export interface SigningKey {
  readonly publicKey: Uint8Array;
  readonly privateKey: KeyObject;
}

await libsodium.ready;

// RFC 8410 DER prefixes that wrap a raw Ed25519 seed (PKCS #8) and public key (SubjectPublicKeyInfo),
// the only forms in which node:crypto takes raw Ed25519 keys.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * Verifying keys by their bytes: building a KeyObject costs about as much as a verification, and a
 * feed verifies with the same few directory keys all day. `null` marks a key libsodium would refuse.
 */
const verifyingKeys = new LRUCache<string, { readonly key: KeyObject | null }>({ max: 256 });

const verifyingKey = (publicKey: Uint8Array): KeyObject | null => {
  if (publicKey.length !== SIZES.ed25519PublicKey) return null;
  const id = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('hex');
  const known = verifyingKeys.get(id);
  if (known !== undefined) return known.key;
  // libsodium's verify refuses a non-canonical key or one of small order (which would let anyone
  // "sign" with it); OpenSSL does not check that, so the key is checked here once, by libsodium.
  const key = libsodium.crypto_core_ed25519_is_valid_point(publicKey)
    ? createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' })
    : null;
  verifyingKeys.set(id, { key });
  return key;
};

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
  // Ed25519 through node:crypto (OpenSSL): RFC 8032 signatures are deterministic, so these are the
  // very bytes libsodium makes (test/crypto/ed25519.test.ts checks both ways), at 1.5–3× the speed of
  // the WebAssembly build, most on a 192 kB attachment chunk (docs/decisions.md).
  signingKey: (seed) => {
    const der = Buffer.concat([ED25519_PKCS8_PREFIX, seed]);
    const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    der.fill(0);
    const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
    return { privateKey, publicKey: new Uint8Array(spki.subarray(ED25519_SPKI_PREFIX.length)) };
  },
  signDetached: (message, key) => new Uint8Array(sign(null, message, key.privateKey)),
  verifyDetached: (signature, message, publicKey) => {
    const key = verifyingKey(publicKey);
    if (key === null || signature.length !== SIZES.signature) return false;
    return orNull(() => verify(null, message, key, signature)) === true;
  },
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
