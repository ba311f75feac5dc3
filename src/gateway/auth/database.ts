import Database from 'better-sqlite3';
import { dirname } from 'node:path';
import { privateDir, privateSqliteFile } from '../../core/index.js';

/**
 * The screen-lock columns (issue 15), added to a users.db written before they existed: the PIN's hash
 * (set at the shift's log-in), the unlock attempts spent since the last good one, and the kiosk flag.
 * NULL PIN = no screen lock: such a session still ends at the idle limit, as before.
 */
const SESSION_COLUMNS = [
  ['pin_hash', 'TEXT'],
  ['pin_failures', 'INTEGER NOT NULL DEFAULT 0'],
  ['kiosk', 'INTEGER NOT NULL DEFAULT 0'],
] as const;

// IMMEDIATE: the role and `ems-gateway users` may open the file at the same moment; one adds, the
// other then sees the columns.
const addSessionColumns = (db: Database.Database): void =>
  db
    .transaction(() => {
      const have = new Set(
        (db.prepare('PRAGMA table_info(sessions)').all() as { name: string }[]).map((c) => c.name),
      );
      for (const [name, type] of SESSION_COLUMNS)
        if (!have.has(name)) db.exec(`ALTER TABLE sessions ADD COLUMN ${name} ${type}`);
    })
    .immediate();

/**
 * users.db: the people of one instance and their live sessions, in one private SQLite file (0600 in a
 * 0700 directory: it holds TOTP secrets). Sessions sit next to users so that the database itself
 * revokes them: removing a user or re-issuing their credentials deletes their sessions in the same
 * statement, whichever process (the running role, `ems-gateway users`) makes the change.
 */
export const openAuthDatabase = (file: string): Database.Database => {
  // `users add` may run before the role ever started: the data directory may not exist yet.
  privateDir(dirname(file));
  privateSqliteFile(file);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL under WAL survives a crash of the process; a power cut may forget the last session touches
  // (someone logs in again), never corrupts. FULL would fsync on every request that touches a session.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`CREATE TABLE IF NOT EXISTS users (
      id TEXT PRIMARY KEY,
      role TEXT NOT NULL,
      password_hash TEXT NOT NULL,
      totp_secret TEXT NOT NULL,
      last_totp_step INTEGER NOT NULL DEFAULT -1,
      created_at INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE IF NOT EXISTS sessions (
      token_hash TEXT PRIMARY KEY,
      user_id TEXT NOT NULL,
      role TEXT NOT NULL,
      device TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      last_active_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (user_id);
    CREATE TRIGGER IF NOT EXISTS sessions_end_on_user_removed AFTER DELETE ON users
      BEGIN DELETE FROM sessions WHERE user_id = OLD.id; END;
    CREATE TRIGGER IF NOT EXISTS sessions_end_on_credentials_changed
      AFTER UPDATE OF role, password_hash, totp_secret ON users
      BEGIN DELETE FROM sessions WHERE user_id = OLD.id; END;`);
  addSessionColumns(db);
  return db;
};
