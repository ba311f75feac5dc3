import { err, ok, type Result } from '../../core/index.js';
import { verifyPassword } from './password.js';
import { base32Decode, matchTotp } from './totp.js';
import type { UserRole } from './roles.js';
import type { UserRecord, UserStore } from './users.js';

export const LoginFailure = {
  /** User unknown, wrong password or wrong code: one answer, so none of them can be probed. */
  badCredentials: 'bad-credentials',
  locked: 'locked',
} as const;
export type LoginFailure = (typeof LoginFailure)[keyof typeof LoginFailure];

export const MAX_FAILED_ATTEMPTS = 5;
export const LOCKOUT_MS = 15 * 60_000;

export interface LoginAttempt {
  readonly userId: string;
  readonly password: string;
  readonly otp: string;
}

/**
 * Both factors, always both checked (the password is hashed even for an unknown user, so timing does
 * not tell which ids exist). Five failures lock the account for 15 minutes; roles not admitted on this
 * instance are refused as bad credentials.
 */
export interface LoginDeps {
  readonly users: UserStore;
  readonly admitted: readonly UserRole[];
  /** A hash at the same cost as real ones, checked when the user does not exist. */
  readonly dummyHash: string;
}

export const authenticate = async (
  { users, admitted, dummyHash }: LoginDeps,
  attempt: LoginAttempt,
  now: number,
): Promise<Result<UserRecord, { code: LoginFailure; known: boolean }>> => {
  const user = users.get(attempt.userId);
  if (user !== undefined && user.lockedUntil > now) return err({ code: 'locked', known: true });
  const passwordOk = await verifyPassword(attempt.password, user?.passwordHash ?? dummyHash);
  if (user === undefined) return err({ code: 'bad-credentials', known: false });
  const secret = base32Decode(user.totpSecret);
  const step = secret === undefined ? undefined : matchTotp(secret, attempt.otp, now);
  const fresh = step !== undefined && step > user.lastTotpStep;
  if (passwordOk && fresh && admitted.includes(user.role)) {
    users.recordSuccess(user.id, step);
    return ok(user);
  }
  const failures = user.failedAttempts + 1;
  users.recordFailure(user.id, failures, failures >= MAX_FAILED_ATTEMPTS ? now + LOCKOUT_MS : 0);
  return err({ code: failures >= MAX_FAILED_ATTEMPTS ? 'locked' : 'bad-credentials', known: true });
};
