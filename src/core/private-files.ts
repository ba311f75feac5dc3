import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';

/**
 * Data files hold patient data, TOTP secrets and keys: only the role's own user may read them. A
 * process's umask (022 on most systems) is applied when a file or directory is created, so `mode`
 * alone is not enough, and it does nothing to what already exists; a chmod after creating makes the
 * mode exact whatever the umask and whatever an earlier version or an operator left behind.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates a directory (and its parents) and sets it to 0700, even when it already existed. */
export const privateDir = (dir: string): void => {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if ((statSync(dir).mode & 0o777) !== PRIVATE_DIR_MODE) chmodSync(dir, PRIVATE_DIR_MODE);
};

/**
 * Creates an empty file if missing (never truncates) and sets it to 0600. An existing file already
 * private is left alone, so one on a read-only mount can still be opened for reading.
 */
export const privateFile = (file: string): void => {
  if (existsSync(file)) {
    narrow(file);
    return;
  }
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  chmodSync(file, PRIVATE_FILE_MODE);
};

const narrow = (file: string): void => {
  if ((statSync(file).mode & 0o777) !== PRIVATE_FILE_MODE) chmodSync(file, PRIVATE_FILE_MODE);
};

/**
 * Call before opening a SQLite database. SQLite creates its `-wal` and `-shm` files with the mode of
 * the database file (os_unix.c, findCreateFileMode), so a database created 0600 keeps its journals
 * 0600; the ones an older version left behind are set here too.
 */
export const privateSqliteFile = (file: string): void => {
  privateFile(file);
  for (const sidecar of [`${file}-wal`, `${file}-shm`, `${file}-journal`])
    if (existsSync(sidecar)) narrow(sidecar);
};
