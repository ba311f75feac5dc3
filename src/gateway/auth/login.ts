import { err, ok, type Result } from '../../core/index.js';
import { verifyPassword } from './password.js';
import type { UserRole } from './roles.js';
import type { LoginClient, LoginThrottle } from './throttle.js';
import { base32Decode, matchTotp } from './totp.js';
import type { UserRecord, UserStore } from './users.js';

export const LoginFailure = {
  /** User unknown, wrong password or wrong code: one answer, so none of them can be probed. */
  badCredentials: 'bad-credentials',
  /** This client tried this id (or this address tried any id) too often; the same for unknown ids. */
  throttled: 'throttled',
  /** A browser not yet enrolled did not give the instance's device code. */
  device: 'device',
} as const;
export type LoginFailure = (typeof LoginFailure)[keyof typeof LoginFailure];

export interface LoginAttempt {
  readonly userId: string;
  readonly password: string;
  readonly otp: string;
}

export interface LoginDeps {
  readonly users: UserStore;
  readonly throttle: LoginThrottle;
  readonly admitted: readonly UserRole[];
  /** A hash at the same cost as real ones, checked when the user does not exist. */
  readonly dummyHash: string;
  /** Whether the browser may log in at all: enrolled, or giving the device code now. */
  readonly deviceAdmitted: boolean;
}

/**
 * Both factors, always both checked (the password is hashed even for an unknown user, so timing does
 * not tell which ids exist). The attempt is counted by the throttle before anything is awaited (see
 * throttle.ts); the TOTP step is spent in one SQL statement, so a code logs in once however many
 * requests carry it at the same moment (RFC 6238 §5.2). Roles not admitted on this instance are
 * refused as bad credentials. `known` says whether the id exists, for the audit entry only.
 */
export const authenticate = async (
  { users, throttle, admitted, dummyHash, deviceAdmitted }: LoginDeps,
  attempt: LoginAttempt,
  client: LoginClient,
  now: number,
): Promise<Result<UserRecord, { code: LoginFailure; known: boolean }>> => {
  const ticket = throttle.begin(attempt.userId, client, now);
  if (ticket === undefined) return err({ code: 'throttled', known: false });
  if (!deviceAdmitted) return err({ code: 'device', known: false });
  const user = users.get(attempt.userId);
  const passwordOk = await verifyPassword(attempt.password, user?.passwordHash ?? dummyHash);
  if (user === undefined) return err({ code: 'bad-credentials', known: false });
  const secret = base32Decode(user.totpSecret);
  const step = secret === undefined ? undefined : matchTotp(secret, attempt.otp, now);
  if (
    passwordOk &&
    admitted.includes(user.role) &&
    step !== undefined &&
    users.spendTotpStep(user.id, user.totpSecret, step)
  ) {
    throttle.succeeded(ticket);
    return ok(user);
  }
  return err({ code: 'bad-credentials', known: true });
};
