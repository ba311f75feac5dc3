import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import {
  EnvelopeOpener,
  EnvelopeSealer,
  MemoryReplayStore,
  OpenErrorCode,
  SealErrorCode,
  openEnvelope,
  openErrorAction,
  peekRecipient,
  sealEnvelope,
  signedInner,
  sodium,
  type DeviceIdentity,
  type KeyDirectory,
  type OpenErrorCode as Code,
} from '../../src/crypto/index.js';
import { bytes, DAY, directoryOf, fixedIdentity, T0 } from './support.js';

const ambulance = fixedIdentity('amb-test-01', 1);
const hospitalA = fixedIdentity('hosp-test-a', 3);
const hospitalB = fixedIdentity('hosp-test-b', 5);
const stranger = fixedIdentity('amb-stranger', 7);
const revoked = fixedIdentity('amb-revoked', 9);
const retired = fixedIdentity('amb-retired', 11);
const future = fixedIdentity('amb-future', 13);

const directory = directoryOf([
  { identity: ambulance, role: 'ambulance' },
  { identity: hospitalA, role: 'hospital' },
  { identity: hospitalB, role: 'hospital' },
  { identity: revoked, role: 'ambulance', revokedAt: T0 - 1000 },
  { identity: retired, role: 'ambulance', validFrom: T0 - 10 * DAY, validUntil: T0 - DAY },
  { identity: future, role: 'ambulance', validFrom: T0 + DAY, validUntil: T0 + 10 * DAY },
]);

const view = (d: KeyDirectory) => ({ current: d });
const STREAM = new Uint8Array(16).fill(0x5a);

const seal = (
  from: DeviceIdentity,
  to: DeviceIdentity,
  body: Uint8Array,
  times: { createdAt?: number; expiresAt?: number } = {},
): Uint8Array => {
  const result = sealEnvelope(from, to, {
    kind: 'test.message',
    body,
    streamId: STREAM,
    sequence: 1,
    createdAt: times.createdAt ?? T0,
    expiresAt: times.expiresAt ?? T0 + 600_000,
  });
  if (!result.ok) throw new Error(result.error.code);
  return result.value;
};

const context = (keys: readonly DeviceIdentity[], now = T0 + 1000) => ({
  keys,
  directory,
  now,
  maxLifetimeMs: DAY,
  maxClockSkewMs: 120_000,
});

const codeOf = (
  wire: Uint8Array,
  keys: readonly DeviceIdentity[] = [hospitalA],
  now?: number,
): Code | 'ok' => {
  const opened = openEnvelope(wire, context(keys, now));
  return opened.ok ? 'ok' : opened.error.code;
};

describe('envelope: sign, then seal', () => {
  it('round-trips any body with every field intact', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), fc.nat({ max: 2 ** 40 }), (body, sequence) => {
        const sealed = sealEnvelope(ambulance, hospitalA, {
          kind: 'pre-arrival-report',
          body,
          streamId: STREAM,
          sequence,
          createdAt: T0,
          expiresAt: T0 + 60_000,
        });
        if (!sealed.ok) throw new Error(sealed.error.code);
        const opened = openEnvelope(sealed.value, context([hospitalA]));
        if (!opened.ok) throw new Error(opened.error.code);
        expect(opened.value.body).toEqual(body);
        expect(opened.value).toMatchObject({
          version: 1,
          kind: 'pre-arrival-report',
          sender: { principal: 'amb-test-01', role: 'ambulance', keyId: ambulance.keyIdHex },
          recipientKeyId: hospitalA.keyIdHex,
          createdAt: T0,
          expiresAt: T0 + 60_000,
          streamId: '5a'.repeat(16),
          sequence,
        });
        expect(opened.value.messageId).toMatch(/^[0-9a-f]{32}$/);
      }),
      { numRuns: 150 },
    );
  });

  it('rejects the envelope when any single bit anywhere is flipped (every bit of one envelope)', () => {
    const wire = seal(ambulance, hospitalA, bytes('{"allergies":["penicillin"]}'));
    expect(codeOf(wire)).toBe('ok');
    for (let bit = 0; bit < wire.length * 8; bit += 1) {
      const flipped = wire.slice();
      flipped[bit >> 3] = (flipped[bit >> 3] as number) ^ (1 << (bit & 7));
      expect(codeOf(flipped), `bit ${bit}`).not.toBe('ok');
    }
  });

  it('rejects a single flipped bit for any body', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.nat(), (body, pick) => {
        const wire = seal(ambulance, hospitalA, body);
        const bit = pick % (wire.length * 8);
        wire[bit >> 3] = (wire[bit >> 3] as number) ^ (1 << (bit & 7));
        expect(codeOf(wire)).not.toBe('ok');
      }),
      { numRuns: 200 },
    );
  });

  it('exposes the recipient key id of the cleartext header for routing', () => {
    expect(peekRecipient(seal(ambulance, hospitalB, bytes('x')))).toBe(hospitalB.keyIdHex);
    expect(peekRecipient(bytes('nope'))).toBeNull();
  });

  it('rejects every bit flip in the signed part even when the attacker re-seals it', () => {
    // Anyone can seal to a public key; only the signature stops an altered message.
    const inner = signedInner(ambulance, hospitalA, {
      kind: 'test.message',
      body: bytes('vitals'),
      streamId: STREAM,
      sequence: 3,
      createdAt: T0,
      expiresAt: T0 + 60_000,
    });
    if (!inner.ok) throw new Error(inner.error.code);
    const reseal = (plain: Uint8Array): Uint8Array => {
      const header = seal(ambulance, hospitalA, bytes('x')).subarray(0, 21);
      return new Uint8Array([...header, ...sodium.boxSeal(plain, hospitalA.publicKeys.x25519)]);
    };
    expect(codeOf(reseal(inner.value))).toBe('ok');
    fc.assert(
      fc.property(fc.nat({ max: inner.value.length * 8 - 1 }), (bit) => {
        const flipped = inner.value.slice();
        flipped[bit >> 3] = (flipped[bit >> 3] as number) ^ (1 << (bit & 7));
        expect(codeOf(reseal(flipped))).not.toBe('ok');
      }),
      { numRuns: 300 },
    );
  });

  it('refuses an envelope sealed to someone else', () => {
    expect(codeOf(seal(ambulance, hospitalB, bytes('x')), [hospitalA])).toBe(OpenErrorCode.NOT_FOR_US);
  });

  it('refuses a message a recipient re-sealed to a third party (recipient key id is signed)', () => {
    const wire = seal(ambulance, hospitalA, bytes('for A only'));
    // Hospital A opens the box and re-seals the signed inner part to hospital B under B's key id.
    const inner = hospitalA.openSealed(wire.subarray(21)) as Uint8Array;
    const forwarded = new Uint8Array([
      ...wire.subarray(0, 5),
      ...hospitalB.keyId,
      ...sodium.boxSeal(inner, hospitalB.publicKeys.x25519),
    ]);
    expect(codeOf(forwarded, [hospitalB])).toBe(OpenErrorCode.RECIPIENT_MISMATCH);
  });

  it('gives each failure its own code', () => {
    const cases: Array<[string, Uint8Array, Code, number?]> = [
      ['expired', seal(ambulance, hospitalA, bytes('x'), { expiresAt: T0 + 500 }), OpenErrorCode.EXPIRED],
      ['unknown sender', seal(stranger, hospitalA, bytes('x')), OpenErrorCode.UNKNOWN_SENDER],
      ['revoked sender key', seal(revoked, hospitalA, bytes('x')), OpenErrorCode.SENDER_KEY_REVOKED],
      ['expired sender key', seal(retired, hospitalA, bytes('x')), OpenErrorCode.SENDER_KEY_EXPIRED],
      [
        'sender key not yet valid',
        seal(future, hospitalA, bytes('x')),
        OpenErrorCode.SENDER_KEY_NOT_YET_VALID,
      ],
      [
        'lifetime too long',
        seal(ambulance, hospitalA, bytes('x'), { expiresAt: T0 + 2 * DAY }),
        OpenErrorCode.LIFETIME_TOO_LONG,
      ],
      [
        'from the future',
        seal(ambulance, hospitalA, bytes('x'), { createdAt: T0 + 3_600_000, expiresAt: T0 + 7_200_000 }),
        OpenErrorCode.FROM_THE_FUTURE,
      ],
      ['not an envelope', bytes('hello'), OpenErrorCode.MALFORMED],
    ];
    for (const [name, wire, code] of cases) expect(codeOf(wire), name).toBe(code);
    const v2 = seal(ambulance, hospitalA, bytes('x'));
    v2[4] = 2;
    expect(codeOf(v2)).toBe(OpenErrorCode.UNSUPPORTED_VERSION);
    expect(openErrorAction(OpenErrorCode.REPLAYED)).toBe('duplicate');
    expect(openErrorAction(OpenErrorCode.SENDER_KEY_REVOKED)).toBe('operator');
    expect(openErrorAction(OpenErrorCode.DECRYPT_FAILED)).toBe('drop');
    expect(openErrorAction(OpenErrorCode.EXPIRED)).toBe('stale');
  });

  it('opens with either of our keys during a rotation overlap', () => {
    const newA = fixedIdentity('hosp-test-a', 21);
    const d = directoryOf([
      { identity: ambulance, role: 'ambulance' },
      { identity: hospitalA, role: 'hospital' },
      { identity: newA, role: 'hospital', validFrom: T0 - 1000 },
    ]);
    const sealer = new EnvelopeSealer({
      identity: ambulance,
      directory: view(d),
      clock: new ManualClock(T0),
    });
    const sealed = sealer.seal({
      to: 'hosp-test-a',
      kind: 'k',
      body: bytes('b'),
      streamId: STREAM,
      sequence: 0,
      ttlMs: 1000,
    });
    if (!sealed.ok) throw new Error(sealed.error.code);
    // The newer key wins for sealing; a receiver still holding both keys opens it.
    const opened = openEnvelope(sealed.value, { ...context([hospitalA, newA], T0), directory: d });
    expect(opened.ok && opened.value.recipientKeyId).toBe(newA.keyIdHex);
    const missing = sealer.seal({
      to: 'hosp-nowhere',
      kind: 'k',
      body: bytes('b'),
      streamId: STREAM,
      sequence: 0,
      ttlMs: 1000,
    });
    expect(!missing.ok && missing.error.code).toBe(SealErrorCode.UNKNOWN_RECIPIENT);
  });

  it('refuses bad seal input with a code', () => {
    const base = { body: bytes('x'), streamId: STREAM, sequence: 0, createdAt: T0, expiresAt: T0 + 1 };
    const bad = sealEnvelope(ambulance, hospitalA, { ...base, kind: 'Not A Kind' });
    expect(!bad.ok && bad.error.code).toBe(SealErrorCode.BAD_INPUT);
    const big = sealEnvelope(ambulance, hospitalA, {
      ...base,
      kind: 'k',
      body: new Uint8Array(1024 * 1024 + 1),
    });
    expect(!big.ok && big.error.code).toBe(SealErrorCode.BODY_TOO_LARGE);
    const backwards = sealEnvelope(ambulance, hospitalA, { ...base, kind: 'k', expiresAt: T0 });
    expect(!backwards.ok && backwards.error.code).toBe(SealErrorCode.BAD_INPUT);
  });
});

describe('EnvelopeOpener', () => {
  it('refuses a replay, and checks expiry with the injected clock', () => {
    const clock = new ManualClock(T0);
    const replay = new MemoryReplayStore();
    const opener = new EnvelopeOpener({ keys: [hospitalA], directory: view(directory), replay, clock });
    const sealer = new EnvelopeSealer({ identity: ambulance, directory: view(directory), clock });
    const sealed = sealer.seal({
      to: 'hosp-test-a',
      kind: 'k',
      body: bytes('b'),
      streamId: STREAM,
      sequence: 1,
      ttlMs: 60_000,
    });
    if (!sealed.ok) throw new Error(sealed.error.code);
    expect(opener.open(sealed.value).ok).toBe(true);
    const again = opener.open(sealed.value);
    expect(!again.ok && again.error.code).toBe(OpenErrorCode.REPLAYED);
    clock.advance(60_000);
    const late = opener.open(sealed.value);
    expect(!late.ok && late.error.code).toBe(OpenErrorCode.EXPIRED);
    // The id is kept until expiry plus the allowed skew, then pruned.
    clock.advance(OPEN_SKEW + 60_001);
    opener.open(bytes('trigger a prune'));
    expect(replay.size()).toBe(0);
  });
});

const OPEN_SKEW = 120_000;
