import Database from 'better-sqlite3';
import { privateSqliteFile } from '../core/index.js';
import type { ReplayStore } from './replay.js';

/**
 * The replay store in SQLite, so the window survives a restart (a replay right after a crash is the
 * classic gap). WAL with synchronous=FULL: an id is on disk before the envelope is reported accepted.
 */
export class SqliteReplayStore implements ReplayStore {
  readonly #db: Database.Database;
  readonly #insert: Database.Statement<[string, number]>;
  readonly #prune: Database.Statement<[number]>;
  readonly #count: Database.Statement<[], { n: number }>;

  constructor(file: string) {
    privateSqliteFile(file);
    this.#db = new Database(file);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = FULL');
    this.#db.exec(
      `CREATE TABLE IF NOT EXISTS seen_message (
         message_id TEXT PRIMARY KEY,
         keep_until INTEGER NOT NULL
       ) WITHOUT ROWID;
       CREATE INDEX IF NOT EXISTS seen_message_keep_until ON seen_message (keep_until);`,
    );
    this.#insert = this.#db.prepare(
      'INSERT OR IGNORE INTO seen_message (message_id, keep_until) VALUES (?, ?)',
    );
    this.#prune = this.#db.prepare('DELETE FROM seen_message WHERE keep_until < ?');
    this.#count = this.#db.prepare('SELECT count(*) AS n FROM seen_message');
  }

  remember(messageId: string, keepUntil: number): boolean {
    return this.#insert.run(messageId, keepUntil).changes === 1;
  }

  prune(now: number): number {
    return this.#prune.run(now).changes;
  }

  size(): number {
    return (this.#count.get() as { n: number }).n;
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}
