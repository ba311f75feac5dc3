import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import {
  EnvelopeOpener,
  MemoryReplayStore,
  openEnvelope,
  sealEnvelope,
  sodium,
  toBase64,
  toHex,
  type DeviceIdentity,
} from '../../src/crypto/index.js';
import { ROOT } from '../support/paths.js';
import { bytes, DAY, directoryOf, fixedIdentity, operator, signedText, T0, type Member } from './support.js';
import { protocolVectors } from './vectors.js';

/**
 * test/crypto/receiver.py was written from docs/protocol.md alone. Here it opens envelopes our
 * code sealed, and must reach the same verdict, code and fields as our own receiver for each.
 * Needs python3 and libsodium (Debian: libsodium23, installed by .ci/run); their absence fails the
 * file rather than skipping it, so the proof cannot silently drop out.
 */
const RECEIVER = `${ROOT}test/crypto/receiver.py`;
const probe = spawnSync('python3', [
  '-c',
  'import ctypes,ctypes.util,sys; sys.exit(0 if ctypes.util.find_library("sodium") else 1)',
]);
if (probe.status !== 0)
  throw new Error('python3 with libsodium is required (apt-get install -y python3 libsodium23)');

interface PyResult {
  readonly ok: boolean;
  readonly code?: string;
  readonly bodyHex?: string;
  readonly kind?: string;
  readonly messageId?: string;
  readonly sender?: string;
  readonly sequence?: number;
  readonly streamId?: string;
}

const ambulance = fixedIdentity('amb-py-01', 41);
const hospital = fixedIdentity('hosp-py-a', 43);
const other = fixedIdentity('hosp-py-b', 45);
const stranger = fixedIdentity('amb-py-stranger', 47);
const revoked = fixedIdentity('amb-py-revoked', 49);
const members: Member[] = [
  { identity: ambulance, role: 'ambulance' },
  { identity: hospital, role: 'hospital' },
  { identity: other, role: 'hospital' },
  { identity: revoked, role: 'ambulance', revokedAt: T0 - 1 },
];
const directory = directoryOf(members);
const LIMITS = { maxLifetimeMs: DAY, maxClockSkewMs: 120_000 };

const seed = (n: number): string => toHex(new Uint8Array(32).fill(n));

const runPython = (
  envelopes: ReadonlyArray<{ hex: string; now: number }>,
  me: { seed: string; x: string },
  directoryText: string,
): PyResult[] => {
  const run = spawnSync('python3', [RECEIVER], {
    input: JSON.stringify({
      ed25519Seed: me.seed,
      x25519Secret: me.x,
      operatorPublicKey: toBase64(operator.publicKeys.ed25519),
      directory: directoryText,
      ...LIMITS,
      envelopes,
    }),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`receiver.py failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as PyResult[];
};

const seal = (
  from: DeviceIdentity,
  to: DeviceIdentity,
  body: Uint8Array,
  sequence = 1,
  lifetime = 600_000,
): Uint8Array => {
  const sealed = sealEnvelope(from, to, {
    kind: 'pre-arrival-report',
    body,
    streamId: new Uint8Array(16).fill(sequence & 0xff),
    sequence,
    createdAt: T0,
    expiresAt: T0 + lifetime,
  });
  if (!sealed.ok) throw new Error(sealed.error.code);
  return sealed.value;
};

describe('independent Python receiver (python3 + libsodium23)', () => {
  it('opens envelopes of any body that our code sealed, with the same fields', () => {
    const bodies: Uint8Array[] = fc.sample(fc.uint8Array({ maxLength: 2048 }), { numRuns: 40, seed: 7 });
    bodies.push(new Uint8Array(0), bytes('アレルギー: ペニシリン'), new Uint8Array(64 * 1024).fill(0xab));
    const wires = bodies.map((b, i) => seal(ambulance, hospital, b, i));
    const results = runPython(
      wires.map((w) => ({ hex: toHex(w), now: T0 + 1000 })),
      { seed: seed(43), x: seed(44) },
      signedText(members),
    );
    results.forEach((r, i) => {
      const ours = openEnvelope(wires[i] as Uint8Array, {
        keys: [hospital],
        directory,
        now: T0 + 1000,
        ...LIMITS,
      });
      if (!ours.ok) throw new Error(ours.error.code);
      expect(r).toMatchObject({
        ok: true,
        bodyHex: toHex(bodies[i] as Uint8Array),
        kind: 'pre-arrival-report',
        messageId: ours.value.messageId,
        sender: 'amb-py-01',
        sequence: i,
        streamId: ours.value.streamId,
      });
    });
  });

  it('refuses what our receiver refuses, with the same code', () => {
    const good = seal(ambulance, hospital, bytes('x'));
    const flipped = good.slice();
    flipped[100] = (flipped[100] as number) ^ 0x10;
    const cases: ReadonlyArray<{ wire: Uint8Array; now: number }> = [
      { wire: good, now: T0 + 1000 },
      { wire: good, now: T0 + 1000 },
      { wire: good, now: T0 + 600_000 },
      { wire: flipped, now: T0 + 1000 },
      { wire: seal(ambulance, other, bytes('x')), now: T0 + 1000 },
      { wire: seal(stranger, hospital, bytes('x')), now: T0 + 1000 },
      { wire: seal(revoked, hospital, bytes('x')), now: T0 + 1000 },
      { wire: seal(ambulance, hospital, bytes('x'), 1, 2 * DAY), now: T0 + 1000 },
      { wire: seal(ambulance, hospital, bytes('x')), now: T0 - 3_600_000 },
      { wire: bytes('EMSE'), now: T0 },
      { wire: bytes('not an envelope'), now: T0 },
    ];
    const clock = new ManualClock();
    const opener = new EnvelopeOpener({
      keys: [hospital],
      directory: { current: directory },
      replay: new MemoryReplayStore(),
      clock,
      ...LIMITS,
    });
    const ours = cases.map((c) => {
      clock.set(c.now);
      const opened = opener.open(c.wire);
      return opened.ok ? 'ok' : opened.error.code;
    });
    expect(ours).toEqual([
      'ok',
      'ENVELOPE_REPLAYED',
      'ENVELOPE_EXPIRED',
      'ENVELOPE_DECRYPT_FAILED',
      'ENVELOPE_NOT_FOR_US',
      'ENVELOPE_UNKNOWN_SENDER',
      'ENVELOPE_SENDER_KEY_REVOKED',
      'ENVELOPE_LIFETIME_TOO_LONG',
      'ENVELOPE_FROM_THE_FUTURE',
      'ENVELOPE_UNSUPPORTED_VERSION',
      'ENVELOPE_MALFORMED',
    ]);
    const theirs = runPython(
      cases.map((c) => ({ hex: toHex(c.wire), now: c.now })),
      { seed: seed(43), x: seed(44) },
      signedText(members),
    );
    expect(theirs.map((r) => (r.ok ? 'ok' : r.code))).toEqual(ours);

    // The forwarding attack: hospital A re-seals what it received to hospital B.
    const inner = hospital.openSealed(good.subarray(21)) as Uint8Array;
    const forwarded = new Uint8Array([
      ...good.subarray(0, 5),
      ...other.keyId,
      ...sodium.boxSeal(inner, other.publicKeys.x25519),
    ]);
    const [mismatch] = runPython(
      [{ hex: toHex(forwarded), now: T0 + 1000 }],
      { seed: seed(45), x: seed(46) },
      signedText(members),
    );
    expect(mismatch?.code).toBe('ENVELOPE_RECIPIENT_MISMATCH');
  });

  it('opens the docs/protocol.md test vector and refuses a directory signed by someone else', () => {
    const v = protocolVectors();
    const vs = fixedIdentity(v.sender.principal, 1);
    const vr = fixedIdentity(v.recipient.principal, 3);
    const window = { validFrom: v.openAt - 1000, validUntil: v.openAt + 1000 };
    const text = signedText([
      { identity: vs, role: 'ambulance', ...window },
      { identity: vr, role: 'hospital', ...window },
    ]);
    const [result] = runPython(
      [{ hex: v.envelopeHex, now: v.openAt }],
      { seed: v.recipient.ed25519Seed, x: v.recipient.x25519Secret },
      text,
    );
    expect(result).toMatchObject({ ok: true, bodyHex: v.bodyHex, messageId: v.fields.messageId });
    const forged = JSON.stringify({
      ...(JSON.parse(text) as object),
      signature: toBase64(new Uint8Array(64)),
    });
    expect(() => runPython([], { seed: seed(3), x: seed(4) }, forged)).toThrow(/does not verify/);
  });
});
