import { DeviceIdentity, signDirectory, verifyDirectory, entryFor } from '../../src/crypto/index.js';
import type { DirectoryPayload, PrincipalRole, KeyDirectory } from '../../src/crypto/index.js';

export const T0 = Date.parse('2025-04-01T09:00:00.000Z');
export const DAY = 24 * 3600_000;

/** Deterministic test identity: the seeds are `n` and `n + 1` repeated. */
export const fixedIdentity = (principal: string, n: number): DeviceIdentity =>
  DeviceIdentity.fromSecrets(principal, new Uint8Array(32).fill(n), new Uint8Array(32).fill(n + 1));

export const operator = fixedIdentity('operator-test', 200);

export interface Member {
  readonly identity: DeviceIdentity;
  readonly role: PrincipalRole;
  readonly validFrom?: number;
  readonly validUntil?: number;
  readonly revokedAt?: number;
}

export const payloadOf = (members: readonly Member[], serial = 1): DirectoryPayload => ({
  region: 'test',
  serial,
  issuedAt: new Date(T0).toISOString(),
  entries: members.map((m) => ({
    ...entryFor(
      m.identity,
      m.role,
      `${m.role} ${m.identity.principal}`,
      m.validFrom ?? T0 - DAY,
      m.validUntil ?? T0 + 30 * DAY,
    ),
    ...(m.revokedAt === undefined ? {} : { revokedAt: new Date(m.revokedAt).toISOString() }),
  })),
});

export const signedText = (members: readonly Member[], serial = 1): string => {
  const signed = signDirectory(payloadOf(members, serial), operator);
  if (!signed.ok) throw new Error(signed.error.message);
  return signed.value;
};

export const directoryOf = (members: readonly Member[], serial = 1): KeyDirectory => {
  const verified = verifyDirectory(signedText(members, serial), operator.publicKeys.ed25519);
  if (!verified.ok) throw new Error(verified.error.message);
  return verified.value;
};

export const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
