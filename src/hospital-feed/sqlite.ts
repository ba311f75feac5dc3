import Database from 'better-sqlite3';
import { err, ok, privateSqliteFile, type Result } from '../core/index.js';
import { FEED_ERRORS, type StorageErrorCode } from './errors.js';

/** The part of better-sqlite3 the stores use; nothing else in the feed sees the driver. */
export type Db = Database.Database;
export type Statement = Database.Statement;

/**
 * Maps a SQLite failure to what the operator must do. SQLITE_FULL (13) is a full disk or a
 * max_page_count reached; SQLITE_READONLY (8) and its extended codes a read-only file or mount;
 * SQLITE_CANTOPEN (14) a directory we may not create files in (WAL needs -wal and -shm beside it).
 */
export const storageErrorCode = (error: unknown): StorageErrorCode => {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return FEED_ERRORS.operator.storageFailed;
  if (code === 'SQLITE_FULL' || (code.startsWith('SQLITE_IOERR') && /ENOSPC/.test(String(error))))
    return FEED_ERRORS.operator.storageFull;
  if (
    code.startsWith('SQLITE_READONLY') ||
    code === 'SQLITE_CANTOPEN' ||
    code === 'EROFS' ||
    code === 'EACCES'
  )
    return FEED_ERRORS.operator.storageReadOnly;
  if (code === 'ENOSPC') return FEED_ERRORS.operator.storageFull;
  return FEED_ERRORS.operator.storageFailed;
};

/** Runs a storage call, turning a thrown driver error into a coded Result. */
export const attempt = <T>(fn: () => T): Result<T, StorageErrorCode> => {
  try {
    return ok(fn());
  } catch (error) {
    return err(storageErrorCode(error));
  }
};

/**
 * Opens a database for data that must survive a crash: WAL, and synchronous FULL so a commit is on
 * disk (fsync of the WAL) before the call returns: "accepted" means stored. The file is 0600 whatever
 * the umask: it holds reports.
 */
export const openDatabase = (file: string, schema: string): Result<Db, StorageErrorCode> =>
  attempt(() => {
    privateSqliteFile(file);
    const db = new Database(file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 5000');
      db.exec(schema);
      return db;
    } catch (error) {
      db.close();
      throw error;
    }
  });
