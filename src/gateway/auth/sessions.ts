import { createHash, createHmac, randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Clock } from '../../core/index.js';
import { openAuthDatabase } from './database.js';
import type { UserRole } from './roles.js';

export interface Session {
  /** The session token: in the cookie and in this object only; the database keeps its hash. */
  readonly id: string;
  readonly userId: string;
  readonly role: UserRole;
  /** The enrolled browser the session was opened on; the session is good only with its cookie. */
  readonly device: string;
  /** The synchroniser token every form post must carry (CSRF). */
  readonly csrf: string;
  readonly createdAt: number;
  readonly lastActiveAt: number;
  /** A screen-lock PIN was set at this session's log-in: idle locks it instead of ending it. */
  readonly pinSet: boolean;
  /**
   * Idle for the idle limit with a PIN set: the screen is locked until the PIN is given again. A
   * locked session is hidden from every route, except a kiosk session, which still shows its screen
   * and only refuses actions (see `visibleSession` in index.ts).
   */
  readonly locked: boolean;
  /** Kiosk mode (wall displays): stays on screen while idle; actions need the PIN again. */
  readonly kiosk: boolean;
  /** Wrong PINs since the last good one (the unlock form says how many tries are left). */
  readonly pinFailures: number;
}

export interface SessionLimits {
  /** After this long without a user action: locked (PIN set) or logged off (no PIN). */
  readonly idleMs: number;
  /** Hard limit from login, active or not. */
  readonly maxMs: number;
}

interface Row {
  user_id: string;
  role: UserRole;
  device: string;
  created_at: number;
  last_active_at: number;
  pin_hash: string | null;
  pin_failures: number;
  kiosk: number;
}

/** A locked session's PIN check, reserved before the hash is awaited (see `reserveUnlock`). */
export interface UnlockTicket {
  readonly pinHash: string;
  /** Tries left after this one fails; at 0 a failure ends the session. */
  readonly triesLeft: number;
}

const TOUCH_RESOLUTION_MS = 1000;

/** What is stored instead of the token: a stolen copy of users.db opens no session. */
const digest = (token: string): string => createHash('sha256').update(token).digest('base64url');

/** The CSRF token follows from the session token, so it needs no storage and dies with the session. */
const csrfOf = (token: string): string =>
  createHmac('sha256', token).update('ems-gateway csrf v1').digest('base64url');

/**
 * Sessions in users.db (see database.ts), so a restarted gateway keeps its users logged in, and a
 * change made by another process (`ems-gateway users remove`) takes effect on the next request: every
 * lookup reads the database. Expiry is judged against the injected clock on every lookup.
 */
export class SessionStore {
  private constructor(
    private readonly db: Database.Database,
    private readonly clock: Clock,
    readonly limits: SessionLimits,
  ) {}

  static open(file: string, clock: Clock, limits: SessionLimits): SessionStore {
    return new SessionStore(openAuthDatabase(file), clock, limits);
  }

  /** `pinHash`: the screen-lock PIN chosen at this log-in, hashed with Argon2id (pin-hash.ts). */
  create(userId: string, role: UserRole, device: string, pinHash?: string): Session {
    const now = this.clock.now();
    this.db
      .prepare('DELETE FROM sessions WHERE (pin_hash IS NULL AND last_active_at <= ?) OR created_at <= ?')
      .run(now - this.limits.idleMs, now - this.limits.maxMs);
    const id = randomBytes(32).toString('base64url');
    this.db
      .prepare(
        'INSERT INTO sessions (token_hash, user_id, role, device, created_at, last_active_at, pin_hash) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(digest(id), userId, role, device, now, now, pinHash ?? null);
    return {
      id,
      userId,
      role,
      device,
      csrf: csrfOf(id),
      createdAt: now,
      lastActiveAt: now,
      pinSet: pinHash !== undefined,
      locked: false,
      kiosk: false,
      pinFailures: 0,
    };
  }

  /**
   * The session for this token on this device, or undefined (and forgotten when too old, or idle
   * without a PIN). Idle with a PIN, it comes back `locked`, untouched: only the PIN unlocks it.
   * A token presented without its device's cookie is refused but not ended: whoever holds a copy cannot
   * log the owner off. `touch` counts the request as user activity; background requests (SSE, live
   * panel refreshes) must not keep a session alive, or an unattended tablet would never lock.
   */
  get(id: string, device: string | undefined, touch: boolean): Session | undefined {
    const hash = digest(id);
    const row = this.#row(hash);
    if (row === undefined || row.device !== device) return undefined;
    const now = this.clock.now();
    const idle = now - row.last_active_at >= this.limits.idleMs;
    if ((idle && row.pin_hash === null) || now - row.created_at >= this.limits.maxMs) {
      this.end(id);
      return undefined;
    }
    // Activity is kept to the second: a burst of requests writes once. A locked session is never
    // touched: a background request, or a kiosk display being looked at, does not unlock it.
    const touched = touch && !idle && now - row.last_active_at >= TOUCH_RESOLUTION_MS;
    if (touched)
      this.db.prepare('UPDATE sessions SET last_active_at = ? WHERE token_hash = ?').run(now, hash);
    return {
      id,
      userId: row.user_id,
      role: row.role,
      device: row.device,
      csrf: csrfOf(id),
      createdAt: row.created_at,
      lastActiveAt: touched ? now : row.last_active_at,
      pinSet: row.pin_hash !== null,
      locked: idle,
      kiosk: row.kiosk === 1,
      pinFailures: row.pin_failures,
    };
  }

  /**
   * Reserves one PIN try of a session, before the PIN's hash is awaited, so concurrent guesses see
   * each other (as the log-in throttle does). Undefined when the session has no PIN or no tries left.
   */
  reserveUnlock(id: string, maxTries: number): UnlockTicket | undefined {
    const hash = digest(id);
    const spent = this.db
      .prepare(
        'UPDATE sessions SET pin_failures = pin_failures + 1 WHERE token_hash = ? AND pin_hash IS NOT NULL AND pin_failures < ?',
      )
      .run(hash, maxTries);
    const row = this.#row(hash);
    if (spent.changes !== 1 || row === undefined || row.pin_hash === null) return undefined;
    return { pinHash: row.pin_hash, triesLeft: maxTries - row.pin_failures };
  }

  /**
   * The PIN was right: the tries start again and the session is active from now. `rehash`: the PIN's
   * new hash, when the stored one was of an older kind or cost (auth/pin-hash.ts).
   */
  unlocked(id: string, rehash?: string): void {
    this.db
      .prepare(
        'UPDATE sessions SET pin_failures = 0, last_active_at = ?, pin_hash = coalesce(?, pin_hash) WHERE token_hash = ?',
      )
      .run(this.clock.now(), rehash ?? null, digest(id));
  }

  /** Kiosk mode on or off; only a session with a PIN can be a kiosk (its actions need the PIN). */
  setKiosk(id: string, on: boolean): boolean {
    return (
      this.db
        .prepare('UPDATE sessions SET kiosk = ? WHERE token_hash = ? AND pin_hash IS NOT NULL')
        .run(on ? 1 : 0, digest(id)).changes === 1
    );
  }

  #row(hash: string): Row | undefined {
    return this.db.prepare('SELECT * FROM sessions WHERE token_hash = ?').get(hash) as Row | undefined;
  }

  end(id: string): void {
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(digest(id));
  }

  /** Milliseconds until the session locks or logs off by inactivity (what the screen counts down to). */
  remainingMs(session: Session): number {
    const now = this.clock.now();
    return Math.max(
      0,
      Math.min(session.lastActiveAt + this.limits.idleMs, session.createdAt + this.limits.maxMs) - now,
    );
  }

  close(): void {
    this.db.close();
  }
}
