import { err, ok, type Result } from '../core/index.js';
import type { StorageErrorCode } from './errors.js';
import type { BoardReport } from './inbox-state.js';
import { attachmentTables, type AttachmentTables, type StoredAttachment } from './inbox-attachments.js';
import {
  inboxReceiving,
  type ChunkReceipt,
  type IncomingChunk,
  type IncomingRecord,
  type IncomingThreadRecord,
  type InboxReceiving,
  type Receipt,
  type Redelivery,
  type ThreadReceipt,
} from './inbox-receive.js';
import { INBOX_SCHEMA, REPORT_UPSERT, toReport, toRow, type ReportRow } from './inbox-schema.js';
import { attempt, openDatabase, type Db } from './sqlite.js';
import { ThreadTables } from './thread-sqlite.js';
import type { OutcomeRecord, ThreadEntry, UnreadThread } from './thread-state.js';

export type { Redelivery } from './inbox-receive.js';

/**
 * The hospital's inbox (WAL, synchronous FULL). A message is recorded by id and applied to its report
 * in one transaction, before it is acknowledged: a crash at any point leaves either nothing (the unit
 * sends again) or everything (the redelivery is a duplicate and is acknowledged again).
 */
export class SqliteInboxStore {
  readonly #db: Db;
  readonly #threads: ThreadTables;
  readonly #attachments: AttachmentTables;
  readonly #receiving: InboxReceiving;

  private constructor(db: Db) {
    this.#db = db;
    this.#threads = new ThreadTables(db, { reportsTable: 'reports', peerColumn: 'unit_id' });
    this.#attachments = attachmentTables(db);
    this.#receiving = inboxReceiving(db, this.#threads, this.#attachments);
    // Purged reports are overwritten, not just unlinked from the b-tree: the file holds patient data.
    db.pragma('secure_delete = ON');
  }

  static open(file: string): Result<SqliteInboxStore, StorageErrorCode> {
    const db = openDatabase(file, INBOX_SCHEMA);
    if (!db.ok) return err(db.error);
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
    return attempt(() => this.#receiving.receive(m));
  }

  /**
   * Stores an attachment chunk with its message id in one transaction (with the last chunk, the
   * assembled and verified attachment too), before it is acknowledged, like `receive`.
   */
  receiveChunk(m: IncomingChunk): Result<ChunkReceipt, StorageErrorCode> {
    return attempt(() => this.#receiving.receiveChunk(m));
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
        this.#db.prepare(REPORT_UPSERT).run(toRow(report, row?.out_sequence ?? 0));
        return this.#receiving.nextOut(report.unitId, report.reportId);
      })(),
    );
  }

  receiveThread(m: IncomingThreadRecord): Result<ThreadReceipt, StorageErrorCode> {
    return attempt(() => this.#receiving.receiveThread(m));
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
        return sequenceFor === undefined ? 0 : this.#receiving.nextOut(unitId, sequenceFor);
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
        return this.#receiving.nextOut(outcome.peer, outcome.reportId);
      })(),
    );
  }

  outcome(unitId: string, reportId: string): OutcomeRecord | undefined {
    return this.#threads.outcome(unitId, reportId);
  }

  /** Whether this message id is stored: the receiver's replay check, atomic with storing (see receive). */
  has(messageId: string): boolean {
    return this.#receiving.has(messageId);
  }

  /**
   * For an envelope the codec refused as a replay of a stored message: which report it was and the
   * next sequence for acknowledging it again. `undefined` when the id was never stored here.
   */
  redelivered(messageId: string): Result<Redelivery | undefined, StorageErrorCode> {
    return attempt(() => this.#receiving.redelivered(messageId));
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
