import { randomBytes } from 'node:crypto';
import { hashPassword, type ScryptCost } from './password.js';
import type { UserRole } from './roles.js';
import { base32Encode, otpauthUri } from './totp.js';
import type { UserStore } from './users.js';

export interface IssuedCredentials {
  readonly userId: string;
  readonly role: UserRole;
  /** Shown once, to the person; only its scrypt hash is kept. */
  readonly password: string;
  /** Base32 TOTP secret and the otpauth:// URI an authenticator app reads (as a QR code). */
  readonly totpSecret: string;
  readonly totpUri: string;
}

/** 12 characters from an alphabet without look-alikes (0/O, 1/l/I): typed on a tablet, with gloves. */
const PASSWORD_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

const generatePassword = (): string =>
  [...randomBytes(12)].map((b) => PASSWORD_ALPHABET[b % PASSWORD_ALPHABET.length]).join('');

/** Creates a user (or re-issues their credentials) with a fresh password and TOTP secret. */
export const issueCredentials = async (
  users: UserStore,
  user: { readonly id: string; readonly role: UserRole },
  issuer: string,
  cost: ScryptCost,
  now: number,
): Promise<IssuedCredentials> => {
  const password = generatePassword();
  const totpSecret = base32Encode(randomBytes(20));
  users.put(
    { id: user.id, role: user.role, passwordHash: await hashPassword(password, cost), totpSecret },
    now,
  );
  return {
    userId: user.id,
    role: user.role,
    password,
    totpSecret,
    totpUri: otpauthUri(issuer, user.id, totpSecret),
  };
};
