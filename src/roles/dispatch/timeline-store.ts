import Database from 'better-sqlite3';
import { privateSqliteFile } from '../../core/index.js';
import type { TimelineEvent } from '../../dispatch/index.js';

interface Row {
  case_id: string;
  kind: TimelineEvent['kind'];
  at: number;
  hospital_id: string | null;
}

const eventsOf = (rows: readonly Row[]): TimelineEvent[] =>
  rows.map((r) => ({
    caseId: r.case_id,
    kind: r.kind,
    at: r.at,
    ...(r.hospital_id === null ? {} : { hospitalId: r.hospital_id }),
  }));

/**
 * The dispatch centre's case timeline, append-only, in SQLite: ids, milestone kinds and times only,
 * so it can be kept for the yearly figures long after patient data is gone.
 */
export class TimelineStore {
  readonly #db: Database.Database;
  readonly #insert: Database.Statement;
  readonly #since: Database.Statement;
  readonly #ofCase: Database.Statement;

  private constructor(db: Database.Database) {
    this.#db = db;
    this.#insert = db.prepare('INSERT INTO events (case_id, kind, at, hospital_id) VALUES (?, ?, ?, ?)');
    this.#since = db.prepare('SELECT case_id, kind, at, hospital_id FROM events WHERE at >= ? ORDER BY seq');
    this.#ofCase = db.prepare(
      'SELECT case_id, kind, at, hospital_id FROM events WHERE case_id = ? ORDER BY seq',
    );
  }

  static open(file: string): TimelineStore {
    privateSqliteFile(file);
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(`CREATE TABLE IF NOT EXISTS events (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      case_id TEXT NOT NULL, kind TEXT NOT NULL, at INTEGER NOT NULL, hospital_id TEXT
    );
    CREATE INDEX IF NOT EXISTS events_at ON events (at);
    CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'append-only'); END;`);
    return new TimelineStore(db);
  }

  append(events: readonly TimelineEvent[]): void {
    if (events.length === 0) return;
    this.#db.transaction(() => {
      for (const e of events) this.#insert.run(e.caseId, e.kind, e.at, e.hospitalId ?? null);
    })();
  }

  since(at: number): TimelineEvent[] {
    return eventsOf(this.#since.all(at) as Row[]);
  }

  /** One case's milestones, in the order they were recorded. */
  ofCase(caseId: string): TimelineEvent[] {
    return eventsOf(this.#ofCase.all(caseId) as Row[]);
  }

  close(): void {
    this.#db.close();
  }
}
