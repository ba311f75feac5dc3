import Database from 'better-sqlite3';

/**
 * bench:feed's durable baseline: one side's SQLite file opened as the feed opens its own (WAL,
 * synchronous FULL), with one table of blobs; each call inserts one payload in its own commit.
 */
export const durableTable = (file: string): ((bytes: Uint8Array) => void) => {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE IF NOT EXISTS m (id INTEGER PRIMARY KEY, bytes BLOB NOT NULL)');
  const insert = db.prepare('INSERT INTO m (bytes) VALUES (?)');
  return (bytes) => void insert.run(Buffer.from(bytes));
};
