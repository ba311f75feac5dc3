import { createPrivateKey, createPublicKey, randomFillSync, sign, verify, type KeyObject } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import native from 'sodium-native';

/**
 * The few primitives we use, behind a local interface: domain code never sees a crypto library, and
 * failures come back as `null` or `false` instead of thrown errors. libsodium itself, through its
 * native binding sodium-native (prebuilt in the npm package for every platform we ship on: no compile,
 * no download), for sealed boxes, secretbox, BLAKE2b, Argon2id and Ed25519 over short messages;
 * Ed25519 over long ones through node:crypto (OpenSSL), which makes the very bytes libsodium makes.
 * docs/decisions.md has the measurements.
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
  /** Into `out` (message.length + sealOverhead bytes, e.g. a view after a header) when given; returns it. */
  readonly boxSeal: (message: Uint8Array, publicKey: Uint8Array, out?: Uint8Array) => Uint8Array;
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
  /** Best effort: zeroes this array, not copies the JavaScript engine or a library may hold. */
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
  /**
   * crypto_pwhash_str (Argon2id v1.3, the PHC string with its salt and cost) on libuv's thread pool,
   * so the event loop runs while it hashes; libsodium maps the Argon2 memory for the hash and
   * unmaps it after, so the process does not stay larger.
   */
  readonly pwhashStr: (passphrase: string, opsLimit: number, memLimit: number) => Promise<string>;
  /** crypto_pwhash_str_verify on the thread pool; false for a wrong passphrase or a malformed hash. */
  readonly pwhashStrVerify: (hash: string, passphrase: string) => Promise<boolean>;
  /** Whether a PHC string was made with other limits (or another algorithm) than these. */
  readonly pwhashStrNeedsRehash: (hash: string, opsLimit: number, memLimit: number) => boolean;
}

/**
 * An Ed25519 private key held twice, for the two implementations (below): by OpenSSL, and in
 * libsodium's 64-byte form in guarded memory outside the JavaScript heap. Opaque outside this module.
 */
export interface SigningKey {
  readonly publicKey: Uint8Array;
  readonly privateKey: KeyObject;
  readonly secretKey: Uint8Array;
}

/**
 * Ed25519 signs and verifies by libsodium below this many message bytes and by OpenSSL from it: both
 * make and accept the very same signatures (RFC 8032 is deterministic; test/crypto/ed25519.test.ts),
 * but libsodium is about twice as fast on a report or an acknowledgement (2 kB: verify 66–85 against
 * 128–190 µs), and OpenSSL's SHA-512 faster on an attachment chunk (192 kB: sign 0.6–0.76 against
 * 0.9–1.2 ms); they cross between 32 and 64 kB (`node` timing loops, docs/decisions.md).
 */
export const ED25519_LONG_MESSAGE = 32 * 1024;

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
  const key = native.crypto_core_ed25519_is_valid_point(publicKey)
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

/** A PHC string as libsodium reads it: NUL-terminated in crypto_pwhash_STRBYTES. */
const phcBytes = (hash: string): Uint8Array | null => {
  const text = new TextEncoder().encode(hash);
  if (text.length >= native.crypto_pwhash_STRBYTES || text.includes(0)) return null;
  const out = new Uint8Array(native.crypto_pwhash_STRBYTES);
  out.set(text);
  return out;
};

export const sodium: Sodium = {
  // Node's CSPRNG (OpenSSL); libsodium's own generator is used only inside crypto_box_seal.
  randomBytes: (length) => randomFillSync(new Uint8Array(length)),
  hash: (length, message) => {
    const out = new Uint8Array(length);
    native.crypto_generichash(out, message);
    return out;
  },
  // Ed25519: libsodium or OpenSSL by the message's length (ED25519_LONG_MESSAGE).
  signingKey: (seed) => {
    const der = Buffer.concat([ED25519_PKCS8_PREFIX, seed]);
    const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    der.fill(0);
    const publicKey = new Uint8Array(SIZES.ed25519PublicKey);
    const secretKey = native.sodium_malloc(native.crypto_sign_SECRETKEYBYTES);
    native.crypto_sign_seed_keypair(publicKey, secretKey, seed);
    return { privateKey, publicKey, secretKey };
  },
  signDetached: (message, key) => {
    if (message.length >= ED25519_LONG_MESSAGE) return new Uint8Array(sign(null, message, key.privateKey));
    const signature = new Uint8Array(SIZES.signature);
    native.crypto_sign_detached(signature, message, key.secretKey);
    return signature;
  },
  verifyDetached: (signature, message, publicKey) => {
    if (signature.length !== SIZES.signature || publicKey.length !== SIZES.ed25519PublicKey) return false;
    if (message.length < ED25519_LONG_MESSAGE)
      return orNull(() => native.crypto_sign_verify_detached(signature, message, publicKey)) === true;
    const key = verifyingKey(publicKey);
    return key !== null && orNull(() => verify(null, message, key, signature)) === true;
  },
  scalarmultBase: (secretKey) => {
    const out = new Uint8Array(SIZES.x25519Key);
    native.crypto_scalarmult_base(out, secretKey);
    return out;
  },
  boxSeal: (message, publicKey, out = new Uint8Array(message.length + SIZES.sealOverhead)) => {
    native.crypto_box_seal(out, message, publicKey);
    return out;
  },
  boxSealOpen: (ciphertext, publicKey, secretKey) => {
    if (ciphertext.length < SIZES.sealOverhead) return null;
    const out = new Uint8Array(ciphertext.length - SIZES.sealOverhead);
    return orNull(() => native.crypto_box_seal_open(out, ciphertext, publicKey, secretKey)) === true
      ? out
      : null;
  },
  secretboxEasy: (message, nonce, key) => {
    const out = new Uint8Array(message.length + SIZES.secretboxMac);
    native.crypto_secretbox_easy(out, message, nonce, key);
    return out;
  },
  secretboxOpenEasy: (ciphertext, nonce, key) => {
    if (ciphertext.length < SIZES.secretboxMac) return null;
    const out = new Uint8Array(ciphertext.length - SIZES.secretboxMac);
    return orNull(() => native.crypto_secretbox_open_easy(out, ciphertext, nonce, key)) === true ? out : null;
  },
  memzero: (bytes) => native.sodium_memzero(bytes),
  equal: (a, b) => a.length === b.length && native.sodium_memcmp(a, b),
  pwhash: (length, passphrase, salt, opsLimit, memLimit) => {
    const out = new Uint8Array(length);
    native.crypto_pwhash(out, passphrase, salt, opsLimit, memLimit, native.crypto_pwhash_ALG_ARGON2ID13);
    return out;
  },
  pwhashStr: async (passphrase, opsLimit, memLimit) => {
    const out = new Uint8Array(native.crypto_pwhash_STRBYTES);
    const secret = new TextEncoder().encode(passphrase);
    try {
      await native.crypto_pwhash_str_async(out, secret, opsLimit, memLimit);
    } finally {
      native.sodium_memzero(secret);
    }
    const end = out.indexOf(0);
    return new TextDecoder().decode(end < 0 ? out : out.subarray(0, end));
  },
  pwhashStrVerify: async (hash, passphrase) => {
    const stored = phcBytes(hash);
    const secret = new TextEncoder().encode(passphrase);
    if (stored === null || secret.length === 0) return false;
    try {
      return await native.crypto_pwhash_str_verify_async(stored, secret);
    } catch {
      return false;
    } finally {
      native.sodium_memzero(secret);
    }
  },
  pwhashStrNeedsRehash: (hash, opsLimit, memLimit) => {
    const stored = phcBytes(hash);
    return (
      stored === null ||
      orNull(() => native.crypto_pwhash_str_needs_rehash(stored, opsLimit, memLimit)) !== false
    );
  },
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
