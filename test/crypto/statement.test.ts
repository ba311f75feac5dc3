import { describe, expect, it } from 'vitest';
import { signStatement, verifyStatement } from '../../src/crypto/index.js';
import { bytes, DAY, directoryOf, fixedIdentity, T0, type Member } from './support.js';

const hospital = fixedIdentity('hosp-test-a', 20);
const other = fixedIdentity('hosp-test-b', 30);
const stranger = fixedIdentity('hosp-test-x', 40);
const members: Member[] = [
  { identity: hospital, role: 'hospital' },
  { identity: other, role: 'hospital', revokedAt: T0 - 1000 },
];
const directory = directoryOf(members);
const payload = JSON.stringify({ hospitalId: 'hosp-test-a', erOpen: true });
const check = (wire: Uint8Array, now = T0) =>
  verifyStatement(wire, { kind: 'hospital-status', directory, now });

describe('signed statements (retained hospital status)', () => {
  it('round-trips the payload and names the signer from the pinned directory', () => {
    const wire = signStatement(hospital, 'hospital-status', payload);
    expect(check(wire)).toEqual({
      ok: true,
      value: {
        kind: 'hospital-status',
        payload,
        signer: { principal: 'hosp-test-a', role: 'hospital', keyId: hospital.keyIdHex },
      },
    });
  });

  it('refuses a changed payload, a changed kind, another key id and a foreign signature', () => {
    const wire = JSON.parse(
      new TextDecoder().decode(signStatement(hospital, 'hospital-status', payload)),
    ) as Record<string, unknown>;
    const variant = (patch: Record<string, unknown>) => bytes(JSON.stringify({ ...wire, ...patch }));
    expect(check(variant({ payload: payload.replace('true', 'false') }))).toEqual({
      ok: false,
      error: { code: 'STATEMENT_BAD_SIGNATURE' },
    });
    expect(check(variant({ keyId: other.keyIdHex.replace(/./, '0') }))).toMatchObject({
      error: { code: 'STATEMENT_UNKNOWN_SIGNER' },
    });
    expect(
      verifyStatement(variant({ kind: 'other-kind' }), { kind: 'other-kind', directory, now: T0 }),
    ).toMatchObject({ error: { code: 'STATEMENT_BAD_SIGNATURE' } });
    expect(check(variant({ kind: 'other-kind' }))).toMatchObject({ error: { code: 'STATEMENT_WRONG_KIND' } });
  });

  it('refuses unknown and revoked signers, a key outside its validity, and garbage', () => {
    expect(check(signStatement(stranger, 'hospital-status', payload))).toMatchObject({
      error: { code: 'STATEMENT_UNKNOWN_SIGNER' },
    });
    expect(check(signStatement(other, 'hospital-status', payload))).toMatchObject({
      error: { code: 'STATEMENT_SIGNER_KEY_REVOKED' },
    });
    expect(check(signStatement(hospital, 'hospital-status', payload), T0 + 31 * DAY)).toMatchObject({
      error: { code: 'STATEMENT_SIGNER_KEY_EXPIRED' },
    });
    for (const junk of ['', 'null', '{"format":"x"}', '\u00ff'])
      expect(check(bytes(junk))).toMatchObject({ error: { code: 'STATEMENT_MALFORMED' } });
    expect(check(new Uint8Array([0xff, 0xfe]))).toMatchObject({ error: { code: 'STATEMENT_MALFORMED' } });
  });
});
