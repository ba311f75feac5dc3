import { existsSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';

/**
 * Counts the pages SQLite writes, from the database's `-wal` file (SQLite, "Database File Format",
 * §4 "The Write-Ahead Log"): a 32-byte header with the page size and two salts, then one frame per
 * page written (a 24-byte frame header whose word 2 is non-zero on a commit's last frame, and the
 * page). A frame belongs to the current log when its salts equal the header's; when a checkpoint let
 * the next writer restart the log, the header gets new salts and the log fills again from the start.
 * Counting frames is counting what each commit makes SQLite write (and fsync), not timing.
 */
interface WalLog {
  /** The header's salts, `undefined` while there is no log yet. */
  readonly salt: string | undefined;
  /** The page number of each frame of the current log, in order. */
  readonly pages: readonly number[];
  readonly commits: number;
}

const readLog = (dbFile: string): WalLog => {
  const file = `${dbFile}-wal`;
  if (!existsSync(file)) return { salt: undefined, pages: [], commits: 0 };
  const bytes = readFileSync(file);
  if (bytes.length < 32) return { salt: undefined, pages: [], commits: 0 };
  const pageSize = bytes.readUInt32BE(8);
  const salt = bytes.subarray(16, 24);
  const pages: number[] = [];
  let commits = 0;
  for (let at = 32; at + 24 + pageSize <= bytes.length; at += 24 + pageSize) {
    if (!bytes.subarray(at + 8, at + 16).equals(salt)) break;
    pages.push(bytes.readUInt32BE(at));
    if (bytes.readUInt32BE(at + 4) !== 0) commits += 1;
  }
  return { salt: salt.toString('hex'), pages, commits };
};

/** What one step wrote: frames (pages, a page once per commit), commits, and the b-trees they were of. */
export interface WalStep {
  readonly frames: number;
  readonly commits: number;
  /** Frames by b-tree (table or index name from `dbstat`; `(free)` for pages no b-tree holds now). */
  readonly byTree: Readonly<Record<string, number>>;
}

/**
 * A meter on one database file: `take()` returns what was written to its log since the last `take()`
 * (or since the meter was made). Take it after each commit you want counted on its own: a checkpoint
 * may restart the log at the start of the next write, and a step of one commit is then still counted
 * exactly (all of it is in the new log).
 */
export const walMeter = (dbFile: string): { take(): WalStep } => {
  let last = readLog(dbFile);
  return {
    take: () => {
      const now = readLog(dbFile);
      const fresh = now.salt === last.salt ? now.pages.slice(last.pages.length) : now.pages;
      const commits = now.salt === last.salt ? now.commits - last.commits : now.commits;
      last = now;
      return { frames: fresh.length, commits, byTree: byTree(dbFile, fresh) };
    },
  };
};

/** Names each page by the b-tree that holds it now (a read-only look through `dbstat`). */
const byTree = (dbFile: string, pages: readonly number[]): Record<string, number> => {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const owner = new Map(
      (db.prepare('SELECT name, pageno FROM dbstat').all() as { name: string; pageno: number }[]).map((r) => [
        r.pageno,
        r.name,
      ]),
    );
    const counts: Record<string, number> = {};
    for (const page of pages) {
      const name = page === 1 ? '(header)' : (owner.get(page) ?? '(free)');
      counts[name] = (counts[name] ?? 0) + 1;
    }
    return counts;
  } finally {
    db.close();
  }
};
