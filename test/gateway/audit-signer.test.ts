import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import libsodium from 'libsodium-wrappers-sumo';
import { describe, expect, it } from 'vitest';
import { loadOrCreateSigner } from '../../src/gateway/audit/signer.js';
import { ed25519Verify } from '../../src/gateway/index.js';

await libsodium.ready;

/**
 * The audit signing key file holds libsodium's 64-byte Ed25519 secret key (seed, then public key), as
 * it always has: a file written before signing moved to node:crypto still signs the same bytes.
 */
describe('audit signing key file', () => {
  const dir = (): string => mkdtempSync(join(tmpdir(), 'ems-audit-key-'));
  const message = new TextEncoder().encode('checkpoint 42');

  it('signs with a key file libsodium wrote, exactly as libsodium signs', async () => {
    const file = join(dir(), 'audit-signing.key');
    const pair = libsodium.crypto_sign_keypair();
    writeFileSync(file, pair.privateKey, { mode: 0o600 });
    const signer = await loadOrCreateSigner(file);
    expect(signer.publicKey).toEqual(pair.publicKey);
    expect(signer.sign(message)).toEqual(libsodium.crypto_sign_detached(message, pair.privateKey));
  });

  it('writes a new key once (0600), in the same form, and verifies its own signatures', async () => {
    const file = join(dir(), 'audit-signing.key');
    const first = await loadOrCreateSigner(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = await loadOrCreateSigner(file);
    expect(again.publicKey).toEqual(first.publicKey);
    const signature = first.sign(message);
    expect(libsodium.crypto_sign_verify_detached(signature, message, first.publicKey)).toBe(true);
    const verify = await ed25519Verify();
    expect(verify(signature, message, first.publicKey)).toBe(true);
    expect(verify(signature, new TextEncoder().encode('checkpoint 43'), first.publicKey)).toBe(false);
  });

  it('refuses a file that is not an Ed25519 secret key (wrong length, or a public half that does not match)', async () => {
    const short = join(dir(), 'short.key');
    writeFileSync(short, new Uint8Array(32), { mode: 0o600 });
    await expect(loadOrCreateSigner(short)).rejects.toThrow(/not an Ed25519 key/);
    const mismatched = join(dir(), 'mismatched.key');
    const key = libsodium.crypto_sign_keypair().privateKey;
    key[40] = (key[40] ?? 0) ^ 1;
    writeFileSync(mismatched, key, { mode: 0o600 });
    await expect(loadOrCreateSigner(mismatched)).rejects.toThrow(/not an Ed25519 key/);
  });
});
