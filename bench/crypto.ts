import libsodium from 'libsodium-wrappers-sumo';
import { LRUCache } from 'lru-cache';
import { SummaryCache } from '../src/cache/index.js';
import { systemClock } from '../src/core/index.js';
import type { KeyDirectory } from '../src/crypto/index.js';
import {
  DeviceIdentity,
  EnvelopeOpener,
  MemoryReplayStore,
  entryFor,
  openEnvelope,
  sealEnvelope,
  signDirectory,
  sodium,
  verifyDirectory,
} from '../src/crypto/index.js';
import type { BenchReport, Figure } from './report.js';

/** Operations per second of `fn`, run for about `ms` after a short warm-up. */
const rate = (fn: (i: number) => void, ms = 700): number => {
  for (let i = 0; i < 50; i += 1) fn(i);
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let k = 0; k < 20; k += 1) fn(n++);
    elapsed = performance.now() - start;
  }
  return (n * 1000) / elapsed;
};

const SIZES = [
  ['1KB', 1024],
  ['4KB', 4096],
  ['64KB', 65536],
] as const;

const directoryOf = (identities: readonly DeviceIdentity[], operator: DeviceIdentity): KeyDirectory => {
  const now = Date.now();
  const signed = signDirectory(
    {
      region: 'bench',
      serial: 1,
      issuedAt: new Date(now).toISOString(),
      entries: identities.map((i) => entryFor(i, 'hospital', i.principal, now - 3600_000, now + 3600_000)),
    },
    operator,
  );
  if (!signed.ok) throw new Error(signed.error.message);
  const verified = verifyDirectory(signed.value, operator.publicKeys.ed25519);
  if (!verified.ok) throw new Error(verified.error.message);
  return verified.value;
};

export const run = async (): Promise<BenchReport> => {
  const sender = DeviceIdentity.generate('amb-bench-01');
  const recipient = DeviceIdentity.generate('hosp-bench-a');
  const directory = directoryOf([sender, recipient], DeviceIdentity.generate('operator-bench'));
  const figures: Figure[] = [];
  const ratios: Record<string, number> = {};
  const streamId = sodium.randomBytes(16);

  for (const [label, size] of SIZES) {
    const body = sodium.randomBytes(size);
    const input = (i: number) => ({
      kind: 'pre-arrival-report',
      body,
      streamId,
      sequence: i,
      createdAt: Date.now(),
      expiresAt: Date.now() + 600_000,
    });
    const sealOnce = (i: number): Uint8Array => {
      const sealed = sealEnvelope(sender, recipient, input(i));
      if (!sealed.ok) throw new Error(sealed.error.code);
      return sealed.value;
    };
    const seal = rate(sealOnce);
    const rawSeal = rate(() => sodium.boxSeal(body, recipient.publicKeys.x25519));
    const wires = Array.from({ length: 256 }, (_, i) => sealOnce(i));
    const ctx = { keys: [recipient], directory, maxLifetimeMs: 86_400_000, maxClockSkewMs: 120_000 };
    const open = rate((i) => {
      const opened = openEnvelope(wires[i % wires.length] as Uint8Array, { ...ctx, now: Date.now() });
      if (!opened.ok) throw new Error(opened.error.code);
    });
    // The full receive path, replay store included (in memory; SQLite adds an fsync per message).
    const fresh = Array.from({ length: 4000 }, (_, i) => sealOnce(i));
    const opener = new EnvelopeOpener({
      keys: [recipient],
      directory: { current: directory },
      replay: new MemoryReplayStore(),
      clock: systemClock,
    });
    let next = 0;
    const openWithReplay = rate(() => {
      const opened = opener.open(fresh[next++ % fresh.length] as Uint8Array);
      if (!opened.ok && next <= fresh.length) throw new Error(opened.error.code);
    }, 300);
    const rawSealed = sodium.boxSeal(body, recipient.publicKeys.x25519);
    const rawOpen = rate(() => recipient.openSealed(rawSealed));
    figures.push(
      { name: `seal+sign ${label}`, value: seal, unit: 'ops/s', baseline: `raw crypto_box_seal ${label}` },
      { name: `raw crypto_box_seal ${label}`, value: rawSeal, unit: 'ops/s' },
      {
        name: `open+verify ${label}`,
        value: open,
        unit: 'ops/s',
        baseline: `raw crypto_box_seal_open ${label}`,
      },
      { name: `open+verify+replay check ${label}`, value: openWithReplay, unit: 'ops/s' },
      { name: `raw crypto_box_seal_open ${label}`, value: rawOpen, unit: 'ops/s' },
    );
    ratios[`seal+sign / raw seal ${label}`] = seal / rawSeal;
    ratios[`open+verify / raw open ${label}`] = open / rawOpen;
  }

  // The primitives as the envelope runs them (sealed boxes: libsodium native, sodium-native; Ed25519:
  // node:crypto, OpenSSL) next to libsodium's WebAssembly build, which they replaced, on a report and
  // on one attachment chunk (CHUNK_DATA_BYTES).
  await libsodium.ready;
  const seed = sodium.randomBytes(32);
  const ours = sodium.signingKey(seed);
  const theirs = libsodium.crypto_sign_seed_keypair(seed);
  for (const [label, size] of [
    ['2KB', 2048],
    ['192KB', 196_608],
  ] as const) {
    const m = sodium.randomBytes(size);
    const signature = sodium.signDetached(m, ours);
    const sign = rate(() => sodium.signDetached(m, ours));
    const wasmSign = rate(() => libsodium.crypto_sign_detached(m, theirs.privateKey));
    const verify = rate(() => sodium.verifyDetached(signature, m, ours.publicKey));
    const wasmVerify = rate(() => libsodium.crypto_sign_verify_detached(signature, m, theirs.publicKey));
    figures.push(
      { name: `Ed25519 sign ${label}`, value: sign, unit: 'ops/s', baseline: `libsodium WASM sign ${label}` },
      { name: `libsodium WASM sign ${label}`, value: wasmSign, unit: 'ops/s' },
      {
        name: `Ed25519 verify ${label}`,
        value: verify,
        unit: 'ops/s',
        baseline: `libsodium WASM verify ${label}`,
      },
      { name: `libsodium WASM verify ${label}`, value: wasmVerify, unit: 'ops/s' },
    );
    ratios[`Ed25519 sign / libsodium WASM ${label}`] = sign / wasmSign;
    ratios[`Ed25519 verify / libsodium WASM ${label}`] = verify / wasmVerify;
    const box = libsodium.crypto_box_keypair();
    const sealed = sodium.boxSeal(m, box.publicKey);
    const seal = rate(() => sodium.boxSeal(m, box.publicKey));
    const wasmSeal = rate(() => libsodium.crypto_box_seal(m, box.publicKey));
    const open = rate(() => sodium.boxSealOpen(sealed, box.publicKey, box.privateKey));
    const wasmOpen = rate(() => libsodium.crypto_box_seal_open(sealed, box.publicKey, box.privateKey));
    figures.push(
      { name: `sealed box ${label}`, value: seal, unit: 'ops/s', baseline: `libsodium WASM seal ${label}` },
      { name: `libsodium WASM seal ${label}`, value: wasmSeal, unit: 'ops/s' },
      {
        name: `sealed box open ${label}`,
        value: open,
        unit: 'ops/s',
        baseline: `libsodium WASM open ${label}`,
      },
      { name: `libsodium WASM open ${label}`, value: wasmOpen, unit: 'ops/s' },
    );
    ratios[`sealed box / libsodium WASM ${label}`] = seal / wasmSeal;
    ratios[`sealed box open / libsodium WASM ${label}`] = open / wasmOpen;
  }

  // Cache: 4 KB summaries, 256 sessions, TTL on; baseline is lru-cache with the same bounds holding plaintext.
  const created = SummaryCache.create({
    maxEntries: 512,
    maxBytes: 16 * 1024 * 1024,
    ttlMs: 3600_000,
    clock: systemClock,
  });
  if (!created.ok) throw created.error;
  const cache = created.value;
  const plain = new LRUCache<string, Uint8Array>({
    max: 512,
    maxSize: 16 * 1024 * 1024,
    sizeCalculation: (v) => v.byteLength,
    ttl: 3600_000,
  });
  const summary = sodium.randomBytes(4096);
  const cacheSet = rate((i) => cache.set(`sess-${i % 256}`, 'summary', summary));
  const cacheGet = rate((i) => cache.get(`sess-${i % 256}`, 'summary'));
  const plainSet = rate((i) => plain.set(`sess-${i % 256}/summary`, summary.slice()));
  const plainGet = rate((i) => plain.get(`sess-${i % 256}/summary`));
  figures.push(
    {
      name: 'cache set 4KB (secretbox, TTL)',
      value: cacheSet,
      unit: 'ops/s',
      baseline: 'plain lru-cache set 4KB',
    },
    {
      name: 'cache get 4KB (secretbox open, TTL)',
      value: cacheGet,
      unit: 'ops/s',
      baseline: 'plain lru-cache get 4KB',
    },
    { name: 'plain lru-cache set 4KB', value: plainSet, unit: 'ops/s' },
    { name: 'plain lru-cache get 4KB', value: plainGet, unit: 'ops/s' },
  );
  ratios['cache set / plain set'] = cacheSet / plainSet;
  ratios['cache get / plain get'] = cacheGet / plainGet;
  cache.close();
  sender.wipe();
  recipient.wipe();
  return {
    bench: 'crypto',
    figures,
    ratios,
    notes: [
      'sealed boxes, secretbox and BLAKE2b: libsodium native (sodium-native); Ed25519: node:crypto (OpenSSL); each next to libsodium-wrappers-sumo (WebAssembly) where named; single thread; the machine is shared, so figures vary run to run.',
      'open+verify excludes the replay store; the replay figure uses the in-memory store.',
      'plain lru-cache copies the value on set (slice) so both sides allocate per set.',
    ],
  };
};
