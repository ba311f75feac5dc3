import type Database from 'better-sqlite3';
import { err, ok, type Result } from '../../core/index.js';
import { UNIT_MILESTONES, type TimelineEvent, type UnitMilestone } from '../../dispatch/index.js';
import {
  attempt,
  MIN_RETENTION_MS,
  openDatabase,
  type Db,
  type StorageErrorCode,
} from '../../hospital-feed/index.js';

/** The timeline's file in the dispatch role's data directory. */
export const TIMELINE_FILE = 'timeline.sqlite';

/** Events are append-only; a milestone's envelope id is kept until `keep_until` (its replay check). */
const TIMELINE_SCHEMA = `CREATE TABLE IF NOT EXISTS events (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      case_id TEXT NOT NULL, kind TEXT NOT NULL, at INTEGER NOT NULL, hospital_id TEXT
    );
    CREATE INDEX IF NOT EXISTS events_at ON events (at);
    CREATE TABLE IF NOT EXISTS milestone_messages (
      message_id TEXT NOT NULL PRIMARY KEY, keep_until INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX IF NOT EXISTS milestone_messages_keep_until ON milestone_messages (keep_until);
    CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'append-only'); END;`;

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

const isUnitMilestone = (kind: string): kind is UnitMilestone =>
  (UNIT_MILESTONES as readonly string[]).includes(kind);

/**
 * The dispatch centre's case timeline, append-only, in SQLite: ids, milestone kinds and times only,
 * so it can be kept for the yearly figures long after patient data is gone. A unit's milestone is
 * appended in one commit with its envelope id (`milestone_messages`, kept MIN_RETENTION_MS, longer
 * than any envelope can be accepted): that id is dispatch's replay check for milestones (`received`).
 * A write that fails (disk full, read-only file, SQLITE_BUSY) returns its storage code, as the case
 * store's do, and changes nothing: its caller runs inside a case's step or the inbox handler, where a
 * throw would stop the case's later steps or crash the process. A read that fails (SQLITE_CORRUPT,
 * SQLITE_IOERR, a locked file) returns its code too: it runs in the codec's replay check, a unit's
 * milestone, a case panel or the KPI panel, and each of them decides what "not known" means there.
 */
export class TimelineStore {
  readonly #db: Db;
  readonly #insert: Database.Statement;
  readonly #since: Database.Statement;
  readonly #ofCase: Database.Statement;
  readonly #received: Database.Statement<[string]>;
  readonly #milestone: (event: TimelineEvent, messageId: string, now: number) => void;

  private constructor(db: Db) {
    this.#db = db;
    const insert = db.prepare('INSERT INTO events (case_id, kind, at, hospital_id) VALUES (?, ?, ?, ?)');
    this.#insert = insert;
    this.#since = db.prepare('SELECT case_id, kind, at, hospital_id FROM events WHERE at >= ? ORDER BY seq');
    this.#ofCase = db.prepare(
      'SELECT case_id, kind, at, hospital_id FROM events WHERE case_id = ? ORDER BY seq',
    );
    this.#received = db.prepare('SELECT 1 FROM milestone_messages WHERE message_id = ?');
    const remember = db.prepare('INSERT INTO milestone_messages VALUES (?, ?)');
    const expired = db.prepare('DELETE FROM milestone_messages WHERE keep_until < ?');
    this.#milestone = db.transaction((e: TimelineEvent, messageId: string, now: number) => {
      expired.run(now);
      remember.run(messageId, now + MIN_RETENTION_MS);
      insert.run(e.caseId, e.kind, e.at, e.hospitalId ?? null);
    });
  }

  /**
   * Opens (or creates) the file. One that cannot be opened (a corrupt first page: SQLITE_NOTADB; a
   * directory we may not write in) returns its storage code, never the driver's error (its text can
   * carry a path or SQL).
   */
  static open(file: string): Result<TimelineStore, StorageErrorCode> {
    const db = openDatabase(file, TIMELINE_SCHEMA);
    if (!db.ok) return err(db.error);
    const store = attempt(() => new TimelineStore(db.value));
    if (!store.ok) db.value.close();
    return store;
  }

  /** The events in one commit, or none of them. */
  append(events: readonly TimelineEvent[]): Result<void, StorageErrorCode> {
    return attempt(() => {
      if (events.length === 0) return;
      this.#db.transaction(() => {
        for (const e of events) this.#insert.run(e.caseId, e.kind, e.at, e.hospitalId ?? null);
      })();
    });
  }

  /** A unit's milestone and its envelope's id, in one commit (refused if the id is stored: a copy). */
  appendMilestone(event: TimelineEvent, messageId: string, now: number): Result<void, StorageErrorCode> {
    return attempt(() => this.#milestone(event, messageId, now));
  }

  /** Whether a milestone with this envelope id is recorded: the codec's replay check for milestones. */
  received(messageId: string): Result<boolean, StorageErrorCode> {
    return attempt(() => this.#received.get(messageId) !== undefined);
  }

  /** The unit milestones of a case already recorded (each is taken once). */
  milestonesOf(caseId: string): Result<ReadonlySet<UnitMilestone>, StorageErrorCode> {
    const events = this.ofCase(caseId);
    if (!events.ok) return events;
    return ok(new Set(events.value.flatMap((e) => (isUnitMilestone(e.kind) ? [e.kind] : []))));
  }

  /** The events recorded at or after `at`, in the order they were recorded (the KPIs' window). */
  since(at: number): Result<TimelineEvent[], StorageErrorCode> {
    return attempt(() => eventsOf(this.#since.all(at) as Row[]));
  }

  /** One case's milestones, in the order they were recorded. */
  ofCase(caseId: string): Result<TimelineEvent[], StorageErrorCode> {
    return attempt(() => eventsOf(this.#ofCase.all(caseId) as Row[]));
  }

  close(): void {
    this.#db.close();
  }
}
