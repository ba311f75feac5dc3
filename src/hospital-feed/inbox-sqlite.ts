import { err, ok, type Result } from '../core/index.js';
import type { StorageErrorCode } from './errors.js';
import {
  applyIncoming,
  type BoardChange,
  type BoardReport,
  type IncomingReportMessage,
} from './inbox-state.js';
import { storedReportBody, type AnswerBody, type CancelBody } from './messages.js';
import { attempt, openDatabase, type Db } from './sqlite.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS messages (
  message_id TEXT PRIMARY KEY,
  unit_id TEXT NOT NULL,
  report_id TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  received_at INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS reports (
  unit_id TEXT NOT NULL,
  report_id TEXT NOT NULL,
  status TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  body TEXT,
  cancel_reason TEXT,
  viewed INTEGER NOT NULL,
  answer TEXT,
  handed_over INTEGER NOT NULL,
  out_sequence INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  unit_name TEXT,
  PRIMARY KEY (unit_id, report_id)
) STRICT;
`;

/** Inboxes written before the unit's directory name was kept gain the column (NULL: shown by id). */
const migrate = (db: Db): void => {
  const columns = db.pragma('table_info(reports)') as { name: string }[];
  if (!columns.some((c) => c.name === 'unit_name')) db.exec('ALTER TABLE reports ADD COLUMN unit_name TEXT');
};

interface ReportRow {
  unit_id: string;
  report_id: string;
  status: string;
  sequence: number;
  body: string | null;
  cancel_reason: string | null;
  viewed: number;
  answer: string | null;
  handed_over: number;
  out_sequence: number;
  received_at: number;
  updated_at: number;
  unit_name: string | null;
}

// Bodies were validated before they were stored, and only this class writes the rows; a body is read
// back through its schema so one stored by an older version (a v1 summary) comes out current.
const toReport = (r: ReportRow): BoardReport => ({
  unitId: r.unit_id,
  reportId: r.report_id,
  status: r.status as BoardReport['status'],
  sequence: r.sequence,
  ...(r.body === null ? {} : { body: storedReportBody(JSON.parse(r.body)) }),
  ...(r.cancel_reason === null ? {} : { cancelReason: r.cancel_reason as CancelBody['reason'] }),
  viewed: r.viewed === 1,
  ...(r.answer === null ? {} : { answer: JSON.parse(r.answer) as AnswerBody }),
  handedOver: r.handed_over === 1,
  receivedAt: r.received_at,
  updatedAt: r.updated_at,
  ...(r.unit_name === null ? {} : { unitName: r.unit_name }),
});

export interface Receipt {
  /** The message id was already stored: a QoS 1 redelivery or a replay. */
  readonly duplicate: boolean;
  readonly change: BoardChange;
  readonly report: BoardReport | undefined;
  /** Sequence for the acknowledgement on this report's stream back to the unit. */
  readonly ackSequence: number;
}

export interface IncomingRecord {
  readonly messageId: string;
  readonly unitId: string;
  /** The directory's display name of the sending unit, as it was when the message arrived. */
  readonly unitName: string;
  readonly sequence: number;
  readonly message: IncomingReportMessage;
  readonly now: number;
}

/**
 * The hospital's inbox (WAL, synchronous FULL). A message is recorded by id and applied to its report
 * in one transaction, before it is acknowledged: a crash at any point leaves either nothing (the unit
 * sends again) or everything (the redelivery is a duplicate and is acknowledged again).
 */
export class SqliteInboxStore {
  readonly #db: Db;
  readonly #receive: (m: IncomingRecord) => Receipt;
  readonly #nextOut: (unitId: string, reportId: string) => number;

  private constructor(db: Db) {
    this.#db = db;
    // Purged reports are overwritten, not just unlinked from the b-tree: the file holds patient data.
    db.pragma('secure_delete = ON');
    const seen = db.prepare('SELECT unit_id, report_id FROM messages WHERE message_id = ?');
    const remember = db.prepare('INSERT INTO messages VALUES (?, ?, ?, ?, ?)');
    const get = db.prepare('SELECT * FROM reports WHERE unit_id = ? AND report_id = ?');
    const put = db.prepare(
      `INSERT OR REPLACE INTO reports VALUES (@unit_id, @report_id, @status, @sequence, @body,
         @cancel_reason, @viewed, @answer, @handed_over, @out_sequence, @received_at, @updated_at, @unit_name)`,
    );
    const bump = db.prepare(
      'UPDATE reports SET out_sequence = out_sequence + 1 WHERE unit_id = ? AND report_id = ? RETURNING out_sequence',
    );
    const nextOut = (unitId: string, reportId: string): number =>
      (bump.get(unitId, reportId) as { out_sequence: number } | undefined)?.out_sequence ?? 0;
    this.#nextOut = db.transaction(nextOut);
    this.#receive = db.transaction((m: IncomingRecord): Receipt => {
      const reportId = m.message.body.reportId;
      const previous = seen.get(m.messageId) as { unit_id: string; report_id: string } | undefined;
      if (previous !== undefined) {
        const row = get.get(previous.unit_id, previous.report_id) as ReportRow | undefined;
        return {
          duplicate: true,
          change: 'none',
          report: row === undefined ? undefined : toReport(row),
          ackSequence: nextOut(previous.unit_id, previous.report_id),
        };
      }
      remember.run(m.messageId, m.unitId, reportId, m.sequence, m.now);
      const row = get.get(m.unitId, reportId) as ReportRow | undefined;
      const current = row === undefined ? undefined : toReport(row);
      const applied = applyIncoming(current, m.unitId, m.sequence, m.message, m.now);
      const next =
        applied.next === undefined || applied.next === current
          ? applied.next
          : { ...applied.next, unitName: m.unitName };
      if (next !== undefined && next !== current) put.run(toRow(next, row?.out_sequence ?? 0));
      return {
        duplicate: false,
        change: applied.change,
        report: next,
        ackSequence: nextOut(m.unitId, reportId),
      };
    });
  }

  static open(file: string): Result<SqliteInboxStore, StorageErrorCode> {
    const db = openDatabase(file, SCHEMA);
    if (!db.ok) return err(db.error);
    const migrated = attempt(() => migrate(db.value));
    if (!migrated.ok) {
      db.value.close();
      return err(migrated.error);
    }
    return ok(new SqliteInboxStore(db.value));
  }

  receive(m: IncomingRecord): Result<Receipt, StorageErrorCode> {
    return attempt(() => this.#receive(m));
  }

  /** Stores a change made at the desk (viewed, answer, handover) and returns the next stream sequence. */
  save(report: BoardReport): Result<number, StorageErrorCode> {
    return attempt(() =>
      this.#db.transaction(() => {
        const row = this.#db
          .prepare('SELECT out_sequence FROM reports WHERE unit_id = ? AND report_id = ?')
          .get(report.unitId, report.reportId) as { out_sequence: number } | undefined;
        this.#db
          .prepare(
            `INSERT OR REPLACE INTO reports VALUES (@unit_id, @report_id, @status, @sequence, @body,
               @cancel_reason, @viewed, @answer, @handed_over, @out_sequence, @received_at, @updated_at, @unit_name)`,
          )
          .run(toRow(report, row?.out_sequence ?? 0));
        return this.#nextOut(report.unitId, report.reportId);
      })(),
    );
  }

  /** Whether this message id is stored: the receiver's replay check, atomic with storing (see receive). */
  has(messageId: string): boolean {
    return this.#db.prepare('SELECT 1 FROM messages WHERE message_id = ?').get(messageId) !== undefined;
  }

  /**
   * For an envelope the codec refused as a replay of a stored message: which report it was and the
   * next sequence for acknowledging it again. `undefined` when the id was never stored here.
   */
  redelivered(messageId: string): Result<Redelivery | undefined, StorageErrorCode> {
    return attempt(() =>
      this.#db.transaction((): Redelivery | undefined => {
        const row = this.#db
          .prepare('SELECT unit_id, report_id FROM messages WHERE message_id = ?')
          .get(messageId) as { unit_id: string; report_id: string } | undefined;
        if (row === undefined) return undefined;
        return {
          unitId: row.unit_id,
          reportId: row.report_id,
          ackSequence: this.#nextOut(row.unit_id, row.report_id),
        };
      })(),
    );
  }

  report(unitId: string, reportId: string): BoardReport | undefined {
    const row = this.#db
      .prepare('SELECT * FROM reports WHERE unit_id = ? AND report_id = ?')
      .get(unitId, reportId) as ReportRow | undefined;
    return row === undefined ? undefined : toReport(row);
  }

  reports(): readonly BoardReport[] {
    return (this.#db.prepare('SELECT * FROM reports ORDER BY received_at').all() as ReportRow[]).map(
      toReport,
    );
  }

  /**
   * Deletes reports (and their message ids) last changed before `before`: the retention limit. Then
   * a TRUNCATE checkpoint: `secure_delete` zeroes the rows in the database file, but the pages that
   * first carried them stay in the `-wal` file until the log wraps; the checkpoint copies the zeroed
   * pages into the database and empties the log, so a purged report is in neither file.
   */
  purge(before: number): Result<number, StorageErrorCode> {
    return attempt(() => {
      const purged = this.#db.transaction(() => {
        this.#db.prepare('DELETE FROM messages WHERE received_at < ?').run(before);
        return this.#db.prepare('DELETE FROM reports WHERE updated_at < ?').run(before).changes;
      })();
      if (purged > 0) this.#db.pragma('wal_checkpoint(TRUNCATE)');
      return purged;
    });
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}

export interface Redelivery {
  readonly unitId: string;
  readonly reportId: string;
  readonly ackSequence: number;
}

const toRow = (r: BoardReport, outSequence: number): ReportRow => ({
  unit_id: r.unitId,
  report_id: r.reportId,
  status: r.status,
  sequence: r.sequence,
  body: r.body === undefined ? null : JSON.stringify(r.body),
  cancel_reason: r.cancelReason ?? null,
  viewed: r.viewed ? 1 : 0,
  answer: r.answer === undefined ? null : JSON.stringify(r.answer),
  handed_over: r.handedOver ? 1 : 0,
  out_sequence: outSequence,
  received_at: r.receivedAt,
  updated_at: r.updatedAt,
  unit_name: r.unitName ?? null,
});
