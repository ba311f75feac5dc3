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
}

export interface SessionLimits {
  /** Automatic log-off after this long without a user action. */
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

  create(userId: string, role: UserRole, device: string): Session {
    const now = this.clock.now();
    this.db
      .prepare('DELETE FROM sessions WHERE last_active_at <= ? OR created_at <= ?')
      .run(now - this.limits.idleMs, now - this.limits.maxMs);
    const id = randomBytes(32).toString('base64url');
    this.db
      .prepare(
        'INSERT INTO sessions (token_hash, user_id, role, device, created_at, last_active_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(digest(id), userId, role, device, now, now);
    return { id, userId, role, device, csrf: csrfOf(id), createdAt: now, lastActiveAt: now };
  }

  /**
   * The live session for this token on this device, or undefined (and forgotten when idle or too old).
   * A token presented without its device's cookie is refused but not ended: whoever holds a copy cannot
   * log the owner off. `touch` counts the request as user activity; background requests (SSE, live
   * panel refreshes) must not keep a session alive, or an unattended tablet would never log off.
   */
  get(id: string, device: string | undefined, touch: boolean): Session | undefined {
    const hash = digest(id);
    const row = this.db.prepare('SELECT * FROM sessions WHERE token_hash = ?').get(hash) as Row | undefined;
    if (row === undefined || row.device !== device) return undefined;
    const now = this.clock.now();
    if (now - row.last_active_at >= this.limits.idleMs || now - row.created_at >= this.limits.maxMs) {
      this.end(id);
      return undefined;
    }
    // Activity is kept to the second: a burst of requests writes once.
    const touched = touch && now - row.last_active_at >= TOUCH_RESOLUTION_MS;
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
    };
  }

  end(id: string): void {
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(digest(id));
  }

  /** Milliseconds until the session logs off by inactivity (what the screen counts down to). */
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
