import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/index.js';
import type { UserRole } from './roles.js';

export interface Session {
  readonly id: string;
  readonly userId: string;
  readonly role: UserRole;
  /** The synchroniser token every form post must carry (CSRF). */
  readonly csrf: string;
  readonly createdAt: number;
  lastActiveAt: number;
}

export interface SessionLimits {
  /** Automatic log-off after this long without a user action. */
  readonly idleMs: number;
  /** Hard limit from login, active or not. */
  readonly maxMs: number;
}

const token = (): string => randomBytes(32).toString('base64url');

/**
 * Sessions live in memory only: a restarted gateway logs everyone off, which is the safe direction for
 * a screen that shows patient data. Expiry is judged against the injected clock on every lookup.
 */
export class SessionStore {
  readonly #sessions = new Map<string, Session>();

  constructor(
    private readonly clock: Clock,
    readonly limits: SessionLimits,
  ) {}

  create(userId: string, role: UserRole): Session {
    const now = this.clock.now();
    const session: Session = { id: token(), userId, role, csrf: token(), createdAt: now, lastActiveAt: now };
    this.#sessions.set(session.id, session);
    return session;
  }

  /**
   * The live session for this id, or undefined (and forgotten) when idle or too old. `touch` counts the
   * request as user activity; background requests (SSE, live panel refreshes) must not keep a session
   * alive, or an unattended tablet would never log off.
   */
  get(id: string, touch: boolean): Session | undefined {
    const session = this.#sessions.get(id);
    if (session === undefined) return undefined;
    const now = this.clock.now();
    if (now - session.lastActiveAt >= this.limits.idleMs || now - session.createdAt >= this.limits.maxMs) {
      this.#sessions.delete(id);
      return undefined;
    }
    if (touch) session.lastActiveAt = now;
    return session;
  }

  end(id: string): void {
    this.#sessions.delete(id);
  }

  endAllFor(userId: string): void {
    for (const [id, s] of this.#sessions) if (s.userId === userId) this.#sessions.delete(id);
  }

  /** Milliseconds until the session logs off by inactivity (what the screen counts down to). */
  remainingMs(session: Session): number {
    const now = this.clock.now();
    return Math.max(
      0,
      Math.min(session.lastActiveAt + this.limits.idleMs, session.createdAt + this.limits.maxMs) - now,
    );
  }
}
