import { sodium } from '../../crypto/index.js';
import { verifyPassword } from './password.js';

/**
 * The Argon2id cost of a screen-lock PIN's hash (libsodium crypto_pwhash, Argon2id v1.3; libsodium
 * always uses one lane, p = 1). `opsLimit` is Argon2's t (passes), `memLimit` its m in bytes.
 */
export interface PinCost {
  readonly opsLimit: number;
  readonly memLimit: number;
}

/**
 * libsodium's interactive limits (crypto_pwhash_OPSLIMIT_INTERACTIVE = 2 passes,
 * crypto_pwhash_MEMLIMIT_INTERACTIVE = 64 MiB), with the 128-bit salt and 256-bit tag RFC 9106 asks.
 * Argon2id is RFC 9106's primary variant (§4). Its "second recommended option" for little memory is
 * t = 3 and 64 MiB; §4 also says to pick the time one can afford per hash, and ours is spent while
 * someone waits at a locked tablet (docs/decisions.md has the time per hash on the 2-core dev box). More hardness buys
 * little for a secret of 4 to 8 digits: what guards the PIN is its try limit (auth.pinTries per
 * session, then the full two-factor log-in; NIST SP 800-63B §5.2.2) and the session token it is bound
 * to, which only the browser holds, so a copy of users.db leaves nothing to search offline. Only
 * someone past both factors (log-in with a PIN) or holding a locked session (its limited tries) makes
 * the gateway hash, so the event-loop time is no lever for an anonymous client.
 */
export const PIN_COST: PinCost = { opsLimit: 2, memLimit: 64 * 1024 * 1024 };

const ARGON2ID = '$argon2id$';

/**
 * Argon2id runs on libuv's thread pool (sodium.pwhashStr), one hash at a time: at most one 64 MiB
 * Argon2 memory whatever the unlocks, which libsodium maps for the hash and unmaps after, so the
 * process does not stay larger; and the event loop (the feed's included) runs while it hashes.
 */
let queue: Promise<unknown> = Promise.resolve();

const oneAtATime = <T>(run: () => Promise<T>): Promise<T> => {
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
};

/** The PIN's hash as stored in users.db: the PHC string (`$argon2id$v=19$m=…,t=…,p=1$salt$hash`). */
export const hashScreenPin = (pin: string, cost: PinCost): Promise<string> =>
  oneAtATime(() => sodium.pwhashStr(pin, cost.opsLimit, cost.memLimit));

export const PinCheck = {
  /** Right PIN, hash as it should be. */
  match: 'match',
  /** Right PIN, but the hash is of an older kind or cost: store `hashScreenPin` of it now. */
  matchRehash: 'match-rehash',
  wrong: 'wrong',
} as const;
export type PinCheck = (typeof PinCheck)[keyof typeof PinCheck];

/**
 * Checks a PIN against its stored hash. Sessions live in users.db across restarts, so a locked
 * session may still hold the scrypt hash (`scrypt$N$r$p$salt$hash`, password.ts) written before
 * Argon2id: it is still verified, and reported for a rehash so the next good unlock replaces it.
 * An Argon2id hash of another cost verifies with the cost written in it, and is rehashed likewise.
 */
export const checkPin = async (pin: string, stored: string, cost: PinCost): Promise<PinCheck> => {
  if (!stored.startsWith(ARGON2ID))
    return (await verifyPassword(pin, stored)) ? PinCheck.matchRehash : PinCheck.wrong;
  if (!(await oneAtATime(() => sodium.pwhashStrVerify(stored, pin)))) return PinCheck.wrong;
  return sodium.pwhashStrNeedsRehash(stored, cost.opsLimit, cost.memLimit)
    ? PinCheck.matchRehash
    : PinCheck.match;
};
