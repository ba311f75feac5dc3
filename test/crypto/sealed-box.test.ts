import fc from 'fast-check';
import libsodium from 'libsodium-wrappers-sumo';
import { describe, expect, it } from 'vitest';
import { sodium } from '../../src/crypto/index.js';

await libsodium.ready;

const keyPair = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((seed) => libsodium.crypto_box_seed_keypair(seed));
const message = fc.uint8Array({ minLength: 0, maxLength: 4096 });

/**
 * Our sealed boxes run on libsodium's native build (sodium-native); its WebAssembly build
 * (libsodium-wrappers-sumo, which we ran before) is the independent reference it must agree with,
 * both ways, so every envelope sealed before the change still opens, and every libsodium binding
 * opens what we seal now.
 */
describe('sealed box (crypto_box_seal, native against WebAssembly)', () => {
  it('opens with the WebAssembly crypto_box_seal_open, and the WebAssembly crypto_box_seal opens with ours', () => {
    fc.assert(
      fc.property(keyPair, message, (kp, m) => {
        const ours = sodium.boxSeal(m, kp.publicKey);
        expect(ours.length).toBe(m.length + 48);
        expect(libsodium.crypto_box_seal_open(ours, kp.publicKey, kp.privateKey)).toEqual(m);
        const theirs = libsodium.crypto_box_seal(m, kp.publicKey);
        expect(sodium.boxSealOpen(theirs, kp.publicKey, kp.privateKey)).toEqual(m);
      }),
      { numRuns: 200 },
    );
  });

  it('uses a fresh ephemeral key for every seal, and any changed byte makes it not open', () => {
    fc.assert(
      fc.property(keyPair, message, fc.nat(), fc.integer({ min: 1, max: 255 }), (kp, m, at, flip) => {
        const a = sodium.boxSeal(m, kp.publicKey);
        const b = sodium.boxSeal(m, kp.publicKey);
        expect(a.subarray(0, 32)).not.toEqual(b.subarray(0, 32));
        const tampered = a.slice();
        const i = at % tampered.length;
        tampered[i] = (tampered[i] ?? 0) ^ flip;
        expect(sodium.boxSealOpen(tampered, kp.publicKey, kp.privateKey)).toBeNull();
      }),
      { numRuns: 200 },
    );
  });

  it('does not open for another recipient', () => {
    fc.assert(
      fc.property(keyPair, keyPair, message, (kp, other, m) => {
        fc.pre(!sodium.equal(kp.publicKey, other.publicKey));
        const sealed = sodium.boxSeal(m, kp.publicKey);
        expect(sodium.boxSealOpen(sealed, other.publicKey, other.privateKey)).toBeNull();
      }),
      { numRuns: 100 },
    );
  });
});
