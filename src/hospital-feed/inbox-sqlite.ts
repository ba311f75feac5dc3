import { err, ok, type Result } from '../core/index.js';
import type { StorageErrorCode } from './errors.js';
import {
  applyIncoming,
  type BoardChange,
  type BoardReport,
  type IncomingReportMessage,
} from './inbox-state.js';
import type { AttachmentChunk } from './attachment-wire.js';
import {
  ATTACHMENT_SCHEMA,
  attachmentTables,
  type AttachmentTables,
  type ChunkOutcome,
  type StoredAttachment,
} from './inbox-attachments.js';
import { storedReportBody, type AnswerBody, type CancelBody } from './messages.js';
import { attempt, openDatabase, type Db } from './sqlite.js';
import { THREAD_SCHEMA, ThreadTables } from './thread-sqlite.js';
import {
  advance,
  incomingEntry,
  type OutcomeRecord,
  type ThreadEntry,
  type UnreadThread,
} from './thread-state.js';
import type { ThreadMessageBody, ThreadReadBody } from './thread-wire.js';

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
${THREAD_SCHEMA}`;

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
  readonly #threads: ThreadTables;
  readonly #receiveThread: (m: IncomingThreadRecord) => ThreadReceipt;
  readonly #attachments: AttachmentTables;
  readonly #receiveChunk: (m: IncomingChunk) => ChunkReceipt;

  private constructor(db: Db) {
    this.#db = db;
    const threads = new ThreadTables(db, { reportsTable: 'reports', peerColumn: 'unit_id' });
    this.#threads = threads;
    this.#attachments = attachmentTables(db);
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
    // A conversation message or read receipt from the unit: recorded by id and applied in one
    // transaction, like a report; only about a report this unit sent here (else nothing is stored).
    this.#receiveThread = db.transaction((m: IncomingThreadRecord): ThreadReceipt => {
      const reportId = m.message.body.reportId;
      const previous = seen.get(m.messageId) as { unit_id: string; report_id: string } | undefined;
      if (previous !== undefined)
        return { outcome: 'duplicate', ackSequence: nextOut(previous.unit_id, previous.report_id) };
      const row = get.get(m.unitId, reportId) as ReportRow | undefined;
      if (row?.body === null || row === undefined) return { outcome: 'unknown-report' };
      remember.run(m.messageId, m.unitId, reportId, m.sequence, m.now);
      const message = m.message;
      switch (message.kind) {
        case 'message': {
          const known = threads
            .of(m.unitId, reportId)
            .some((e) => e.direction === 'in' && e.threadId === message.body.threadId);
          if (!known) threads.put(m.unitId, incomingEntry(message.body, m.now));
          break;
        }
        case 'message-read': {
          const read = new Set(message.body.read);
          for (const e of threads.of(m.unitId, reportId))
            if (e.direction === 'out' && read.has(e.threadId))
              threads.put(m.unitId, advance(e, 'read', m.now));
          break;
        }
        default:
          return message satisfies never;
      }
      return { outcome: 'applied', ackSequence: nextOut(m.unitId, reportId) };
    });
    // An attachment chunk: recorded by id and stored in one transaction; the last chunk's commit
    // also holds the assembled, verified attachment (inbox-attachments.ts).
    this.#receiveChunk = db.transaction((m: IncomingChunk): ChunkReceipt => {
      const reportId = m.chunk.header.reportId;
      const previous = seen.get(m.messageId) as { unit_id: string; report_id: string } | undefined;
      if (previous !== undefined)
        return {
          duplicate: true,
          outcome: { kind: 'settled' },
          ackSequence: nextOut(previous.unit_id, previous.report_id),
        };
      remember.run(m.messageId, m.unitId, reportId, m.chunk.header.index + 1, m.now);
      return {
        duplicate: false,
        outcome: this.#attachments.store(m.unitId, m.chunk, m.now),
        ackSequence: nextOut(m.unitId, reportId),
      };
    });
  }

  static open(file: string): Result<SqliteInboxStore, StorageErrorCode> {
    const db = openDatabase(file, SCHEMA + ATTACHMENT_SCHEMA);
    if (!db.ok) return err(db.error);
    const migrated = attempt(() => migrate(db.value));
    if (!migrated.ok) {
      db.value.close();
      return err(migrated.error);
    }
    return ok(new SqliteInboxStore(db.value));
  }

  /**
   * Runs several stores (`receive`, `receiveThread`, `receiveChunk`, `redelivered`) in one transaction:
   * each is a savepoint inside it, and one commit (one fsync) makes all of them durable (group-commit.ts).
   */
  batch(steps: () => void): Result<void, StorageErrorCode> {
    return attempt(() => this.#db.transaction(steps)());
  }

  receive(m: IncomingRecord): Result<Receipt, StorageErrorCode> {
    return attempt(() => this.#receive(m));
  }

  /**
   * Stores an attachment chunk with its message id in one transaction (with the last chunk, the
   * assembled and verified attachment too), before it is acknowledged, like `receive`.
   */
  receiveChunk(m: IncomingChunk): Result<ChunkReceipt, StorageErrorCode> {
    return attempt(() => this.#receiveChunk(m));
  }

  /** The attachments received for a report, complete or refused, oldest first (no data). */
  attachments(unitId: string, reportId: string): readonly StoredAttachment[] {
    return this.#attachments.list(unitId, reportId);
  }

  /** A complete attachment with its bytes, `undefined` if none (or refused). */
  attachment(
    unitId: string,
    attachmentId: string,
  ): { attachment: StoredAttachment; data: Uint8Array } | undefined {
    return this.#attachments.data(unitId, attachmentId);
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

  receiveThread(m: IncomingThreadRecord): Result<ThreadReceipt, StorageErrorCode> {
    return attempt(() => this.#receiveThread(m));
  }

  /** Stores messages the desk sends or moves on; with `sequenceFor`, returns that report's next stream sequence. */
  saveThread(
    unitId: string,
    entries: readonly ThreadEntry[],
    sequenceFor?: string,
  ): Result<number, StorageErrorCode> {
    return attempt(() =>
      this.#db.transaction(() => {
        for (const e of entries) this.#threads.put(unitId, e);
        return sequenceFor === undefined ? 0 : this.#nextOut(unitId, sequenceFor);
      })(),
    );
  }

  thread(unitId: string, reportId: string): readonly ThreadEntry[] {
    return this.#threads.of(unitId, reportId);
  }

  threadByEnvelope(envelopeId: string): { readonly peer: string; readonly entry: ThreadEntry } | undefined {
    return this.#threads.byEnvelope(envelopeId);
  }

  /** Reports with messages from the crew nobody here has been shown yet, oldest first. */
  unreadThreads(): readonly UnreadThread[] {
    return this.#threads.unread();
  }

  /** Stores the outcome the desk sends (a corrected one replaces it) and returns the next stream sequence. */
  saveOutcome(outcome: OutcomeRecord): Result<number, StorageErrorCode> {
    return attempt(() =>
      this.#db.transaction(() => {
        this.#threads.putOutcome(outcome);
        return this.#nextOut(outcome.peer, outcome.reportId);
      })(),
    );
  }

  outcome(unitId: string, reportId: string): OutcomeRecord | undefined {
    return this.#threads.outcome(unitId, reportId);
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
        const deleted = this.#db.prepare('DELETE FROM reports WHERE updated_at < ?').run(before).changes;
        // A report's conversation and outcome go with it.
        this.#threads.dropOrphans();
        this.#attachments.purge(before);
        return deleted;
      })();
      if (purged > 0) this.#db.pragma('wal_checkpoint(TRUNCATE)');
      return purged;
    });
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}

export interface IncomingChunk {
  readonly messageId: string;
  readonly unitId: string;
  readonly chunk: AttachmentChunk;
  readonly now: number;
}

export interface ChunkReceipt {
  readonly duplicate: boolean;
  readonly outcome: ChunkOutcome;
  readonly ackSequence: number;
}

export interface IncomingThreadRecord {
  readonly messageId: string;
  readonly unitId: string;
  readonly sequence: number;
  readonly message:
    | { readonly kind: 'message'; readonly body: ThreadMessageBody }
    | { readonly kind: 'message-read'; readonly body: ThreadReadBody };
  readonly now: number;
}

export type ThreadReceipt =
  | { readonly outcome: 'applied' | 'duplicate'; readonly ackSequence: number }
  | { readonly outcome: 'unknown-report' };

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
