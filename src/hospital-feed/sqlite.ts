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
 * The tables of a store as its current version writes them, and how a file written by an earlier
 * version is brought to them. `version` is the file's `PRAGMA user_version` once current (0: a file
 * from before versions were kept).
 */
export interface StoreSchema {
  readonly version: number;
  /** `CREATE ... IF NOT EXISTS` of every table and index: a new file gets these. */
  readonly ddl: string;
  /**
   * Rebuilds what a file of version `from` holds into the current tables, keeping every row; runs
   * before `ddl`, inside the same transaction, and must find nothing to do on a new (empty) file.
   */
  readonly upgrade: (db: Db, from: number) => void;
}

/** Whether the file has a table of that name. */
export const hasTable = (db: Db, name: string): boolean =>
  db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(name) !== undefined;

/**
 * Rebuilds `table` with a new definition, every row kept (SQLite, "ALTER TABLE", "Making Other
 * Kinds Of Table Schema Changes": create the new table, copy, drop the old, rename). `columns` are
 * the new table's; the old one has them all. Its indexes go with the old table: the store's `ddl`
 * makes the ones it still wants. Nothing when the file has no such table.
 */
export const rebuildTable = (db: Db, table: string, definition: string, columns: string): void => {
  if (!hasTable(db, table)) return;
  db.exec(`CREATE TABLE ${table}_rebuilt ${definition};
    INSERT INTO ${table}_rebuilt (${columns}) SELECT ${columns} FROM ${table};
    DROP TABLE ${table};
    ALTER TABLE ${table}_rebuilt RENAME TO ${table};`);
};

/**
 * Opens a database for data that must survive a crash: WAL, and synchronous FULL so a commit is on
 * disk (fsync of the WAL) before the call returns: "accepted" means stored. The file is 0600 whatever
 * the umask: it holds reports. With a `StoreSchema`, a file of an earlier version is upgraded in one
 * transaction (all of it or, on a crash, none of it), and then checkpointed so the pages of the old
 * tables, zeroed by `secure_delete`, leave the `-wal` file too.
 */
export const openDatabase = (file: string, schema: string | StoreSchema): Result<Db, StorageErrorCode> =>
  attempt(() => {
    privateSqliteFile(file);
    const db = new Database(file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 5000');
      if (typeof schema === 'string') db.exec(schema);
      else if (upgrade(db, schema)) db.pragma('wal_checkpoint(TRUNCATE)');
      return db;
    } catch (error) {
      db.close();
      throw error;
    }
  });

/** Brings the file to `schema` in one transaction; true when it held tables of an earlier version. */
const upgrade = (db: Db, schema: StoreSchema): boolean => {
  const version = (): number => db.pragma('user_version', { simple: true }) as number;
  if (version() >= schema.version) {
    db.exec(schema.ddl);
    return false;
  }
  // IMMEDIATE: the version is read again under the write lock, so a second process opening the
  // same old file waits (busy_timeout) and then finds it current instead of upgrading it twice.
  return db
    .transaction(() => {
      const from = version();
      const old = from < schema.version && hasAnyTable(db);
      if (old) {
        // The old tables' rows hold patient data: the pages they leave are overwritten, not unlinked.
        db.pragma('secure_delete = ON');
        schema.upgrade(db, from);
      }
      db.exec(schema.ddl);
      if (from < schema.version) db.pragma(`user_version = ${schema.version}`);
      return old;
    })
    .immediate();
};

const hasAnyTable = (db: Db): boolean =>
  db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' LIMIT 1").get() !== undefined;
