import type Database from 'better-sqlite3';
import { openAuthDatabase } from './database.js';
import type { UserRole } from './roles.js';

export interface UserRecord {
  readonly id: string;
  readonly role: UserRole;
  readonly passwordHash: string;
  /** Base32 TOTP secret; the server must read it to check codes, so the file is 0600 in a 0700 dir. */
  readonly totpSecret: string;
  /** Last TOTP step accepted: a code is good once (RFC 6238 §5.2). */
  readonly lastTotpStep: number;
  readonly createdAt: number;
}

interface Row {
  id: string;
  role: UserRole;
  password_hash: string;
  totp_secret: string;
  last_totp_step: number;
  created_at: number;
}

const toRecord = (row: Row): UserRecord => ({
  id: row.id,
  role: row.role,
  passwordHash: row.password_hash,
  totpSecret: row.totp_secret,
  lastTotpStep: row.last_totp_step,
  createdAt: row.created_at,
});

/** Users of one role instance, in SQLite under its data directory (users.db, see database.ts). */
export class UserStore {
  constructor(private readonly db: Database.Database) {}

  /** Opens (creating it, private, with its directory) the users.db of a data directory. */
  static open(file: string): UserStore {
    return new UserStore(openAuthDatabase(file));
  }

  /**
   * Creates the user, or replaces its credentials when it exists; either way a fresh TOTP history.
   * Replacing credentials ends the user's sessions (the trigger in database.ts).
   */
  put(user: { id: string; role: UserRole; passwordHash: string; totpSecret: string }, now: number): void {
    this.db
      .prepare(
        `INSERT INTO users (id, role, password_hash, totp_secret, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash,
           totp_secret = excluded.totp_secret, last_totp_step = -1`,
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

  /** Deletes the user; their sessions end with it (the trigger in database.ts). */
  remove(id: string): boolean {
    return this.db.prepare('DELETE FROM users WHERE id = ?').run(id).changes > 0;
  }

  /**
   * Spends a TOTP step: true for exactly one caller, however many present the same code at once. The
   * check and the write are one statement, so it holds across requests and across processes; the
   * secret is part of the condition so a code of credentials re-issued meanwhile cannot be spent.
   */
  spendTotpStep(id: string, totpSecret: string, step: number): boolean {
    return (
      this.db
        .prepare(
          'UPDATE users SET last_totp_step = ? WHERE id = ? AND totp_secret = ? AND last_totp_step < ?',
        )
        .run(step, id, totpSecret, step).changes === 1
    );
  }

  close(): void {
    this.db.close();
  }
}
