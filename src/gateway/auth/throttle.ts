import { createHash } from 'node:crypto';

/**
 * Log-in throttling (OWASP ASVS 2.2.1; NIST SP 800-63B §5.2.2), keyed so that an outsider cannot
 * weaponise it against a named user:
 *
 * - per user id *and* client: the enrolled browser (its device id) when there is one, else the
 *   network address. After FREE_FAILURES failures that client must wait before trying that id again,
 *   doubling from BASE_DELAY_MS up to MAX_DELAY_MS. Someone failing on purpose from their own device
 *   or address slows only themselves; the user's own tablet is unaffected.
 * - per address, whatever the id: ADDRESS_FAILURES failures per ADDRESS_WINDOW_MS, so one machine
 *   cannot spray guesses across many ids.
 *
 * The typed id is keyed whether or not such a user exists, so the answers (and their timing) are
 * the same for both: nothing here tells which ids exist. An attempt is counted as a failure when it
 * begins, before the password hash is awaited; a success gives it back. Concurrent attempts therefore
 * see each other's count (the lockout bypass of issue 12, M1). State is in memory: a restart forgets
 * it, which only ever helps the person who was slowed down.
 */
export const FREE_FAILURES = 5;
export const BASE_DELAY_MS = 30_000;
export const MAX_DELAY_MS = 15 * 60_000;
export const ADDRESS_FAILURES = 30;
export const ADDRESS_WINDOW_MS = 15 * 60_000;
/** A client key nobody has failed on for this long starts again from zero. */
const FORGET_AFTER_MS = 60 * 60_000;
/** Bounds the memory an address spraying ids could make us hold (each key is ~100 bytes). */
const MAX_KEYS = 50_000;

export interface LoginClient {
  /** The peer's IP address ('in-process' when there is no socket). */
  readonly address: string;
  /** The enrolled browser's id, when the request carries a valid device cookie. */
  readonly device: string | undefined;
}

interface Counter {
  failures: number;
  /** Time of the last failure (user keys) or the start of the window (address keys). */
  at: number;
}

/** A reserved attempt: hand it back with `succeeded` when the log-in worked. */
export interface AttemptTicket {
  readonly userKey: string;
  readonly addressKey: string;
}

const delayAfter = (failures: number): number =>
  failures < FREE_FAILURES ? 0 : Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (failures - FREE_FAILURES));

export class LoginThrottle {
  readonly #counters = new Map<string, Counter>();

  /** Reserves an attempt, or refuses it (undefined) while this client must wait. */
  begin(userId: string, client: LoginClient, now: number): AttemptTicket | undefined {
    const idHash = createHash('sha256').update(userId).digest('base64url');
    const userKey = `u:${idHash}:${client.device === undefined ? `a:${client.address}` : `d:${client.device}`}`;
    const addressKey = `a:${client.address}`;
    const user = this.#fresh(userKey, now, FORGET_AFTER_MS);
    const address = this.#fresh(addressKey, now, ADDRESS_WINDOW_MS);
    if (user !== undefined && now < user.at + delayAfter(user.failures)) return undefined;
    if (address !== undefined && address.failures >= ADDRESS_FAILURES) return undefined;
    this.#count(userKey, user, now, now);
    this.#count(addressKey, address, now, address?.at ?? now);
    return { userKey, addressKey };
  }

  /** The reserved attempt logged in: that client starts again from zero for that id. */
  succeeded(ticket: AttemptTicket): void {
    this.#counters.delete(ticket.userKey);
    const address = this.#counters.get(ticket.addressKey);
    if (address !== undefined && address.failures > 0) address.failures -= 1;
  }

  #fresh(key: string, now: number, lifetime: number): Counter | undefined {
    const counter = this.#counters.get(key);
    if (counter !== undefined && now - counter.at >= lifetime) {
      this.#counters.delete(key);
      return undefined;
    }
    return counter;
  }

  #count(key: string, counter: Counter | undefined, now: number, at: number): void {
    if (counter !== undefined) {
      counter.failures += 1;
      counter.at = at;
      return;
    }
    if (this.#counters.size >= MAX_KEYS) this.#evict(now);
    this.#counters.set(key, { failures: 1, at });
  }

  /** Drops forgotten counters, then the oldest ones, until there is room. */
  #evict(now: number): void {
    for (const [key, counter] of this.#counters)
      if (now - counter.at >= FORGET_AFTER_MS) this.#counters.delete(key);
    for (const key of this.#counters.keys()) {
      if (this.#counters.size < MAX_KEYS) break;
      this.#counters.delete(key);
    }
  }
}
