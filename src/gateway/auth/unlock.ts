import * as v from 'valibot';
import { err, ok, type Result } from '../../core/index.js';
import { checkPin, hashScreenPin, PinCheck, type PinCost } from './pin-hash.js';
import type { UserRole } from './roles.js';
import type { Session, SessionStore } from './sessions.js';

/**
 * The screen-lock PIN: 4 to 8 digits, chosen at the shift's log-in. It is not a log-in factor: it only
 * reopens a session that two factors opened on this enrolled device, bound to that session's token
 * (which only the browser holds; users.db keeps its hash), and dies with it. NIST SP 800-63B §5.2.2
 * asks a rate limit for such short secrets: a few tries per session, then the full log-in.
 */
export const ScreenPin = v.pipe(v.string(), v.regex(/^\d{4,8}$/, 'must be 4 to 8 digits'));

export const UnlockFailure = {
  /** Wrong PIN, tries remain: say how many, in words. */
  wrongPin: 'wrong-pin',
  /** The last try failed, or none were left: the session is over, log in with both factors. */
  ended: 'ended',
} as const;
export type UnlockFailure = (typeof UnlockFailure)[keyof typeof UnlockFailure];

/**
 * Checks the PIN of a locked session. The try is reserved before the hash is awaited (concurrent
 * guesses count); the last failed try ends the session, so a stolen locked tablet gives `maxTries`
 * guesses at most, never an offline search (the PIN's hash alone opens nothing without the token).
 * A good PIN whose hash is of an older kind or cost (scrypt before Argon2id) is hashed again now.
 */
export const unlockSession = async (
  sessions: SessionStore,
  session: Session,
  pin: string,
  maxTries: number,
  cost: PinCost,
): Promise<Result<Session, { code: UnlockFailure; triesLeft: number }>> => {
  const ticket = sessions.reserveUnlock(session.id, maxTries);
  if (ticket === undefined) {
    sessions.end(session.id);
    return err({ code: 'ended', triesLeft: 0 });
  }
  const check = await checkPin(pin, ticket.pinHash, cost);
  if (check !== PinCheck.wrong) {
    sessions.unlocked(
      session.id,
      check === PinCheck.matchRehash ? await hashScreenPin(pin, cost) : undefined,
    );
    return ok({ ...session, locked: false });
  }
  if (ticket.triesLeft > 0) return err({ code: 'wrong-pin', triesLeft: ticket.triesLeft });
  sessions.end(session.id);
  return err({ code: 'ended', triesLeft: 0 });
};

/**
 * Kiosk mode is for the screens watched across a room (the triage board, the dispatch wall), never the
 * crew's tablet, which goes from patient to patient in a vehicle and should lock when put down.
 */
export const kioskAllowed = (role: UserRole): boolean => role === 'triage' || role === 'dispatcher';
