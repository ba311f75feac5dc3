import Database from 'better-sqlite3';
import type { UserRole } from './roles.js';

export interface UserRecord {
  readonly id: string;
  readonly role: UserRole;
  readonly passwordHash: string;
  /** Base32 TOTP secret; the server must read it to check codes, so the file is 0600 in a 0700 dir. */
  readonly totpSecret: string;
  readonly failedAttempts: number;
  readonly lockedUntil: number;
  /** Last TOTP step accepted: a code is good once (RFC 6238 §5.2). */
  readonly lastTotpStep: number;
  readonly createdAt: number;
}

interface Row {
  id: string;
  role: UserRole;
  password_hash: string;
  totp_secret: string;
  failed_attempts: number;
  locked_until: number;
  last_totp_step: number;
  created_at: number;
}

const toRecord = (row: Row): UserRecord => ({
  id: row.id,
  role: row.role,
  passwordHash: row.password_hash,
  totpSecret: row.totp_secret,
  failedAttempts: row.failed_attempts,
  lockedUntil: row.locked_until,
  lastTotpStep: row.last_totp_step,
  createdAt: row.created_at,
});

/** Users of one role instance, in SQLite under its data directory (users.db). */
export class UserStore {
  private constructor(private readonly db: Database.Database) {}

  static open(file: string): UserStore {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec(`CREATE TABLE IF NOT EXISTS users (
      id TEXT PRIMARY KEY,
      role TEXT NOT NULL,
      password_hash TEXT NOT NULL,
      totp_secret TEXT NOT NULL,
      failed_attempts INTEGER NOT NULL DEFAULT 0,
      locked_until INTEGER NOT NULL DEFAULT 0,
      last_totp_step INTEGER NOT NULL DEFAULT -1,
      created_at INTEGER NOT NULL
    ) STRICT`);
    return new UserStore(db);
  }

  /** Creates the user, or replaces its credentials (and clears any lockout) when it exists. */
  put(user: { id: string; role: UserRole; passwordHash: string; totpSecret: string }, now: number): void {
    this.db
      .prepare(
        `INSERT INTO users (id, role, password_hash, totp_secret, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash,
           totp_secret = excluded.totp_secret, failed_attempts = 0, locked_until = 0, last_totp_step = -1`,
      )
      .run(user.id, user.role, user.passwordHash, user.totpSecret, now);
  }

  get(id: string): UserRecord | undefined {
    const row = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined;
    return row === undefined ? undefined : toRecord(row);
  }

  list(): UserRecord[] {
    return (this.db.prepare('SELECT * FROM users ORDER BY id').all() as Row[]).map(toRecord);
  }

  remove(id: string): boolean {
    return this.db.prepare('DELETE FROM users WHERE id = ?').run(id).changes > 0;
  }

  recordFailure(id: string, failedAttempts: number, lockedUntil: number): void {
    this.db
      .prepare('UPDATE users SET failed_attempts = ?, locked_until = ? WHERE id = ?')
      .run(failedAttempts, lockedUntil, id);
  }

  recordSuccess(id: string, totpStep: number): void {
    this.db
      .prepare('UPDATE users SET failed_attempts = 0, locked_until = 0, last_totp_step = ? WHERE id = ?')
      .run(totpStep, id);
  }

  close(): void {
    this.db.close();
  }
}
