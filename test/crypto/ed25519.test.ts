import fc from 'fast-check';
import libsodium from 'libsodium-wrappers-sumo';
import { describe, expect, it } from 'vitest';
import { ED25519_LONG_MESSAGE, sodium } from '../../src/crypto/index.js';

await libsodium.ready;

const seed = fc.uint8Array({ minLength: 32, maxLength: 32 });
const message = fc.uint8Array({ minLength: 0, maxLength: 4096 });

/** libsodium-wrappers' verification (WebAssembly): the reference both of ours must agree with. */
const libsodiumVerifies = (signature: Uint8Array, m: Uint8Array, publicKey: Uint8Array): boolean => {
  try {
    return libsodium.crypto_sign_verify_detached(signature, m, publicKey);
  } catch {
    return false;
  }
};

/** The group order L of edwards25519, little-endian (RFC 8032 §5.1). */
const L = (() => {
  const bytes = new Uint8Array(32);
  let l = 2n ** 252n + 27742317777372353535851937790883648493n;
  for (let i = 0; i < 32; i++, l >>= 8n) bytes[i] = Number(l & 0xffn);
  return bytes;
})();

/** S + L: the same point equation, but a non-canonical S, which RFC 8032 §5.1.7 says to refuse. */
const withNonCanonicalS = (signature: Uint8Array): Uint8Array => {
  const out = signature.slice();
  let carry = 0;
  for (let i = 0; i < 32; i++) {
    const sum = (out[32 + i] ?? 0) + (L[i] ?? 0) + carry;
    out[32 + i] = sum & 0xff;
    carry = sum >> 8;
  }
  return out;
};

/**
 * The neutral element (0, 1) as a public key, and a "signature" R = [3]B, S = 3 that the equation
 * [S]B = R + [k]A accepts under it for any message: what a verifier must refuse (RFC 8032 leaves it
 * open; libsodium refuses keys of small order).
 */
const smallOrderForgery = (): { identity: Uint8Array; forged: Uint8Array } => {
  const identity = new Uint8Array(32);
  identity[0] = 1;
  const forged = new Uint8Array(64);
  forged.set(libsodium.crypto_scalarmult_ed25519_base_noclamp(Uint8Array.of(3, ...new Uint8Array(31))));
  forged[32] = 3;
  return { identity, forged };
};

/**
 * Ed25519 runs on native libsodium for short messages and on node:crypto (OpenSSL) for long ones, for
 * speed; libsodium-wrappers' crypto_sign_* is the reference both must match byte for byte (RFC 8032
 * signatures are deterministic), so every other libsodium binding (the hospital's PyNaCl receiver in
 * python-receiver.test.ts) keeps verifying what we sign, whatever the length.
 */
describe('Ed25519 (native libsodium and node:crypto against libsodium-wrappers)', () => {
  it('makes the public key and the very signature libsodium makes from the same seed', () => {
    fc.assert(
      fc.property(seed, message, (s, m) => {
        const ours = sodium.signingKey(s);
        const theirs = libsodium.crypto_sign_seed_keypair(s);
        expect(ours.publicKey).toEqual(theirs.publicKey);
        const signature = sodium.signDetached(m, ours);
        expect(signature).toEqual(libsodium.crypto_sign_detached(m, theirs.privateKey));
        expect(sodium.verifyDetached(signature, m, ours.publicKey)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('agrees with libsodium on every changed signature, message or key', () => {
    fc.assert(
      fc.property(
        seed,
        message,
        fc.constantFrom('signature', 'message', 'key'),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (s, m, part, at, flip) => {
          const key = sodium.signingKey(s);
          const signature = sodium.signDetached(m, key);
          const parts = { signature: signature.slice(), message: m.slice(), key: key.publicKey.slice() };
          const target = parts[part];
          fc.pre(target.length > 0);
          const i = at % target.length;
          target[i] = (target[i] ?? 0) ^ flip;
          const ours = sodium.verifyDetached(parts.signature, parts.message, parts.key);
          expect(ours).toBe(libsodiumVerifies(parts.signature, parts.message, parts.key));
          expect(ours).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses what libsodium refuses: a non-canonical S, keys of small order, wrong lengths', () => {
    fc.assert(
      fc.property(seed, message, (s, m) => {
        const key = sodium.signingKey(s);
        const malleated = withNonCanonicalS(sodium.signDetached(m, key));
        expect(libsodiumVerifies(malleated, m, key.publicKey)).toBe(false);
        expect(sodium.verifyDetached(malleated, m, key.publicKey)).toBe(false);
      }),
      { numRuns: 100 },
    );
    const { identity, forged } = smallOrderForgery();
    expect(libsodiumVerifies(forged, new Uint8Array([1, 2, 3]), identity)).toBe(false);
    expect(sodium.verifyDetached(forged, new Uint8Array([1, 2, 3]), identity)).toBe(false);
    const key = sodium.signingKey(new Uint8Array(32).fill(9));
    const signature = sodium.signDetached(new Uint8Array([1]), key);
    expect(sodium.verifyDetached(signature.subarray(0, 63), new Uint8Array([1]), key.publicKey)).toBe(false);
    expect(sodium.verifyDetached(signature, new Uint8Array([1]), key.publicKey.subarray(0, 31))).toBe(false);
  });

  it('signs and verifies as libsodium does on both sides of the length where the implementation changes, and attachment-sized', () => {
    const sizes = [
      0,
      1,
      2_000,
      ED25519_LONG_MESSAGE - 1,
      ED25519_LONG_MESSAGE,
      ED25519_LONG_MESSAGE + 1,
      196_608,
    ];
    for (const size of sizes) {
      const seedBytes = new Uint8Array(32).fill(size % 251);
      const kp = libsodium.crypto_sign_seed_keypair(seedBytes);
      const m = new Uint8Array(size).map((_, i) => i * 31);
      const signature = libsodium.crypto_sign_detached(m, kp.privateKey);
      expect(sodium.signDetached(m, sodium.signingKey(seedBytes))).toEqual(signature);
      expect(sodium.verifyDetached(signature, m, kp.publicKey)).toBe(true);
      const changed = m.slice();
      if (size > 0) changed[size - 1] = (changed[size - 1] ?? 0) ^ 1;
      if (size > 0) expect(sodium.verifyDetached(signature, changed, kp.publicKey)).toBe(false);
      expect(sodium.verifyDetached(withNonCanonicalS(signature), m, kp.publicKey)).toBe(false);
    }
    // The small-order key is refused on the long path too (OpenSSL alone would accept it).
    const { identity, forged } = smallOrderForgery();
    const long = new Uint8Array(ED25519_LONG_MESSAGE + 5).fill(7);
    expect(libsodiumVerifies(forged, long, identity)).toBe(false);
    expect(sodium.verifyDetached(forged, long, identity)).toBe(false);
  });
});
