import {
  createCipheriv,
  createPublicKey,
  createDecipheriv,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { err, ok, type Clock } from '../../src/core/index.js';
import type { RequestSigner, ResponseOpener, StoredBundle, SummaryStore } from '../../src/records/index.js';
import type { CardCheck, RequestVerifier, ResponseSealer } from '../../src/sim/records/index.js';

/**
 * Simple real implementations of the records ports, for tests and the benchmark only, on node:crypto:
 * Ed25519 signatures, and a sealed box made of an ephemeral X25519 key, HKDF-SHA256 and AES-256-GCM.
 * The product's own (libsodium) ports are in src/roles/tablet and src/sim/records; the tests of the
 * client's retry and outcome logic use these to stay independent of key directories and card CAs.
 */
export interface DeviceKeys {
  readonly keyId: string;
  readonly signing: { readonly privateKey: KeyObject; readonly publicKey: KeyObject };
  readonly sealing: { readonly privateKey: KeyObject; readonly publicKey: KeyObject };
}

export const deviceKeys = (keyId = 'amb-test-01:1'): DeviceKeys => ({
  keyId,
  signing: generateKeyPairSync('ed25519'),
  sealing: generateKeyPairSync('x25519'),
});

export const testSigner = (keys: DeviceKeys): RequestSigner => ({
  keyId: keys.keyId,
  sign: (bytes) => Promise.resolve(new Uint8Array(sign(null, bytes, keys.signing.privateKey))),
});

/** Verifies against the known devices' public keys, by key id; the principal is the key id's part before `:`. */
export const testVerifier = (devices: readonly DeviceKeys[]): RequestVerifier => ({
  verify: (bytes, signature, keyId) => {
    const device = devices.find((d) => d.keyId === keyId);
    const valid = device !== undefined && verify(null, bytes, device.signing.publicKey, signature);
    return Promise.resolve(valid ? keyId.split(':')[0] : undefined);
  },
});

const INFO = Buffer.from('ems-gateway test sealed box v1');
const keyFor = (shared: Buffer, ephemeralPublic: Buffer): Buffer =>
  Buffer.from(hkdfSync('sha256', shared, ephemeralPublic, INFO, 32));

/** Layout: 32-byte ephemeral public key (raw) | 12-byte nonce | ciphertext | 16-byte tag. */
export const testSealer = (devices: readonly DeviceKeys[]): ResponseSealer => ({
  seal: (bytes, keyId) => {
    const device = devices.find((d) => d.keyId === keyId);
    if (device === undefined) return Promise.reject(new Error('unknown device'));
    const ephemeral = generateKeyPairSync('x25519');
    const ephemeralRaw = ephemeral.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
    const key = keyFor(
      diffieHellman({ privateKey: ephemeral.privateKey, publicKey: device.sealing.publicKey }),
      ephemeralRaw,
    );
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    const body = Buffer.concat([cipher.update(bytes), cipher.final()]);
    return Promise.resolve(new Uint8Array(Buffer.concat([ephemeralRaw, nonce, body, cipher.getAuthTag()])));
  },
});

const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

export const testOpener = (keys: DeviceKeys): ResponseOpener => ({
  open: (sealed) => {
    try {
      const buf = Buffer.from(sealed);
      if (buf.length < 32 + 12 + 16) return Promise.resolve(err('unopenable'));
      const ephemeralRaw = buf.subarray(0, 32);
      const publicKey = {
        key: Buffer.concat([X25519_SPKI_PREFIX, ephemeralRaw]),
        format: 'der',
        type: 'spki',
      } as const;
      const key = keyFor(
        diffieHellman({ privateKey: keys.sealing.privateKey, publicKey: createPublicKey(publicKey) }),
        ephemeralRaw,
      );
      const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(32, 44));
      decipher.setAuthTag(buf.subarray(buf.length - 16));
      const plain = Buffer.concat([decipher.update(buf.subarray(44, buf.length - 16)), decipher.final()]);
      return Promise.resolve(ok(new Uint8Array(plain)));
    } catch {
      return Promise.resolve(err('unopenable'));
    }
  },
});

/** An in-memory summary store with a TTL on the injected clock: the contract src/cache will meet. */
export class MemoryStore implements SummaryStore {
  readonly #entries = new Map<string, StoredBundle>();
  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}
  get(session: string): Promise<StoredBundle | undefined> {
    const entry = this.#entries.get(session);
    if (entry !== undefined && this.clock.now() - entry.storedAt >= this.ttlMs) this.#entries.delete(session);
    return Promise.resolve(this.#entries.get(session));
  }
  set(session: string, bytes: Uint8Array): Promise<void> {
    this.#entries.set(session, { bytes, storedAt: this.clock.now() });
    return Promise.resolve();
  }
  get size(): number {
    return this.#entries.size;
  }
}

/** Accepts any card identity: the client tests use random certificate bytes (real cards: test/tablet). */
export const acceptAnyCard: CardCheck = { check: () => undefined };
