import { err, ok, type Result } from '../core/index.js';
import type { StorageErrorCode } from './errors.js';
import type { AttachmentKind } from './attachment-wire.js';
import { bufferView } from './buffer-view.js';
import type { DeclineReason, MessageKind } from './messages.js';
import { isTerminal, type OutboxEntry, type Transport } from './outbox-state.js';
import type { AppliedMessage, FormKey, OutboxChange, OutboxStore, PeerEntry } from './outbox-store.js';
import type { HospitalStage, Lifecycle, ReportRecord } from './report-state.js';
import {
  attempt,
  hasTable,
  openDatabase,
  rebuildTable,
  type Db,
  type Statement,
  type StoreSchema,
} from './sqlite.js';
import type { OutcomeRecord, ThreadEntry } from './thread-state.js';
import { THREAD_SCHEMA, ThreadTables } from './thread-sqlite.js';

const REPORTS = `(
  report_id TEXT PRIMARY KEY,
  hospital_id TEXT NOT NULL,
  lifecycle TEXT NOT NULL,
  hospital TEXT NOT NULL,
  answer_sequence INTEGER NOT NULL,
  decline_reason TEXT,
  sequence INTEGER NOT NULL,
  latest TEXT NOT NULL,
  latest_message_id TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  decline_note TEXT
) STRICT, WITHOUT ROWID`;
const APPLIED = `(
  message_id TEXT PRIMARY KEY,
  report_id TEXT NOT NULL,
  sender TEXT NOT NULL,
  received_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID`;
const FORM_KEYS = `(
  form_key TEXT PRIMARY KEY,
  report_id TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID`;

const REPORT_COLUMNS = `report_id, hospital_id, lifecycle, hospital, answer_sequence, decline_reason,
  sequence, latest, latest_message_id, expires_at, updated_at, decline_note`;

/** An outbox written before the decline note was kept lacks its column: added empty, nothing lost. */
const addDeclineNote = (db: Db): void => {
  if (!hasTable(db, 'reports')) return;
  const columns = db.prepare('PRAGMA table_info(reports)').all() as { name: string }[];
  if (!columns.some((c) => c.name === 'decline_note'))
    db.exec('ALTER TABLE reports ADD COLUMN decline_note TEXT');
};

/**
 * Every commit writes each b-tree page it changes to the WAL (one frame per page), so the tables are
 * laid out for few pages per report (docs/decisions.md, "Pages per report"). An outbox row holds a
 * sealed envelope (~2 KB: one row per leaf page), so it stays a rowid table, its message id in the
 * implicit index; a `WITHOUT ROWID` table keeps at most ~1,000 bytes of a row in its leaf and the rest
 * in overflow pages. The small rows keyed by a text id are `WITHOUT ROWID`: the key's b-tree is the
 * table, with no second b-tree for it. `live()` and the forgetting of old form keys read whole (small)
 * tables rather than keep an index written with every report.
 */
const SCHEMA: StoreSchema = {
  version: 1,
  ddl: `
CREATE TABLE IF NOT EXISTS outbox (
  message_id TEXT PRIMARY KEY,
  report_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  recipient TEXT NOT NULL,
  topic TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  bytes BLOB NOT NULL,
  transport TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS reports ${REPORTS};
CREATE TABLE IF NOT EXISTS applied ${APPLIED};
CREATE INDEX IF NOT EXISTS applied_age ON applied (received_at);
CREATE TABLE IF NOT EXISTS form_keys ${FORM_KEYS};
${THREAD_SCHEMA}`,
  upgrade: (db) => {
    // Version 0 (before user_version was kept): rowid tables with text keys, and two indexes.
    addDeclineNote(db);
    db.exec('DROP INDEX IF EXISTS outbox_order; DROP INDEX IF EXISTS form_keys_age;');
    rebuildTable(db, 'reports', REPORTS, REPORT_COLUMNS);
    rebuildTable(db, 'applied', APPLIED, 'message_id, report_id, sender, received_at');
    rebuildTable(db, 'form_keys', FORM_KEYS, 'form_key, report_id, created_at');
  },
};

interface EntryRow {
  message_id: string;
  report_id: string;
  kind: string;
  recipient: string;
  topic: string;
  sequence: number;
  created_at: number;
  expires_at: number;
  bytes: Buffer;
  transport: string;
  attempts: number;
  next_attempt_at: number;
}

interface ReportRow {
  report_id: string;
  hospital_id: string;
  lifecycle: string;
  hospital: string;
  answer_sequence: number;
  decline_reason: string | null;
  sequence: number;
  latest: string;
  latest_message_id: string;
  expires_at: number;
  updated_at: number;
  decline_note: string | null;
}

// Rows are only ever written by this class from typed values, so reading them back is a cast.
const toEntry = (r: EntryRow): OutboxEntry => ({
  messageId: r.message_id,
  reportId: r.report_id,
  kind: r.kind as MessageKind | AttachmentKind,
  to: r.recipient,
  topic: r.topic,
  sequence: r.sequence,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  bytes: new Uint8Array(r.bytes),
  transport: r.transport as Transport,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
});

const toReport = (r: ReportRow): ReportRecord => ({
  reportId: r.report_id,
  hospitalId: r.hospital_id,
  lifecycle: r.lifecycle as Lifecycle,
  hospital: r.hospital as HospitalStage,
  answerSequence: r.answer_sequence,
  ...(r.decline_reason === null ? {} : { declineReason: r.decline_reason as DeclineReason }),
  ...(r.decline_note === null ? {} : { declineNote: r.decline_note }),
  sequence: r.sequence,
  latest: r.latest as Transport,
  latestMessageId: r.latest_message_id,
  expiresAt: r.expires_at,
  updatedAt: r.updated_at,
});

interface AppliedRow {
  message_id: string;
  report_id: string;
  sender: string;
  received_at: number;
}

/**
 * The outbox in SQLite (WAL, synchronous FULL): a write returns only once it is on disk (unless it
 * asks for `process` durability: acknowledgements). Entries,
 * report states and the ids of the incoming messages they applied are written in one transaction.
 */
export class SqliteOutboxStore implements OutboxStore {
  readonly #db: Db;
  /** Prepared once: `db.pragma()` prepares its statement on every call, twice per acknowledgement. */
  readonly #synchronous: { readonly normal: Statement; readonly full: Statement };
  readonly #write: (change: OutboxChange) => void;
  readonly #threads: ThreadTables;

  private constructor(db: Db) {
    this.#db = db;
    this.#synchronous = {
      normal: db.prepare('PRAGMA synchronous = NORMAL'),
      full: db.prepare('PRAGMA synchronous = FULL'),
    };
    // Conversations and outcomes may name the patient: deleted rows are overwritten, not unlinked.
    db.pragma('secure_delete = ON');
    const threads = new ThreadTables(db);
    this.#threads = threads;
    const upsert = db.prepare(
      `INSERT INTO outbox VALUES (@message_id, @report_id, @kind, @recipient, @topic, @sequence,
         @created_at, @expires_at, @bytes, @transport, @attempts, @next_attempt_at)
       ON CONFLICT (message_id) DO UPDATE SET transport = excluded.transport,
         attempts = excluded.attempts, next_attempt_at = excluded.next_attempt_at`,
    );
    const remove = db.prepare('DELETE FROM outbox WHERE message_id = ?');
    const putReport = db.prepare(
      `INSERT OR REPLACE INTO reports (${REPORT_COLUMNS})
       VALUES (@report_id, @hospital_id, @lifecycle, @hospital, @answer_sequence, @decline_reason,
         @sequence, @latest, @latest_message_id, @expires_at, @updated_at, @decline_note)`,
    );
    const forget = db.prepare('DELETE FROM applied WHERE received_at < ?');
    const remember = db.prepare('INSERT OR IGNORE INTO applied VALUES (?, ?, ?, ?)');
    const forgetKeys = db.prepare('DELETE FROM form_keys WHERE created_at < ?');
    // The first use of a key stands: a key names one report, never two.
    const rememberKey = db.prepare('INSERT OR IGNORE INTO form_keys VALUES (?, ?, ?)');
    this.#write = db.transaction((change: OutboxChange) => {
      if (change.forgetAppliedBefore !== undefined) forget.run(change.forgetAppliedBefore);
      for (const m of change.applied ?? []) remember.run(m.messageId, m.reportId, m.from, m.receivedAt);
      if (change.forgetFormKeysBefore !== undefined) forgetKeys.run(change.forgetFormKeysBefore);
      for (const k of change.formKeys ?? []) rememberKey.run(k.key, k.reportId, k.at);
      for (const t of change.threads ?? []) threads.put(t.peer, t.entry);
      for (const d of change.dropThreads ?? []) threads.drop(d.peer, d.reportId);
      if (change.forgetOutcomesBefore !== undefined) threads.forgetOutcomes(change.forgetOutcomesBefore);
      for (const o of change.outcomes ?? []) threads.putOutcome(o);
      for (const e of change.entries ?? []) {
        if (isTerminal(e.transport)) remove.run(e.messageId);
        else
          upsert.run({
            message_id: e.messageId,
            report_id: e.reportId,
            kind: e.kind,
            recipient: e.to,
            topic: e.topic,
            sequence: e.sequence,
            created_at: e.createdAt,
            expires_at: e.expiresAt,
            bytes: bufferView(e.bytes),
            transport: e.transport,
            attempts: e.attempts,
            next_attempt_at: e.nextAttemptAt,
          });
      }
      for (const r of change.reports ?? [])
        putReport.run({
          report_id: r.reportId,
          hospital_id: r.hospitalId,
          lifecycle: r.lifecycle,
          hospital: r.hospital,
          answer_sequence: r.answerSequence,
          decline_reason: r.declineReason ?? null,
          sequence: r.sequence,
          latest: r.latest,
          latest_message_id: r.latestMessageId,
          expires_at: r.expiresAt,
          updated_at: r.updatedAt,
          decline_note: r.declineNote ?? null,
        });
    });
  }

  static open(file: string): Result<SqliteOutboxStore, StorageErrorCode> {
    const db = openDatabase(file, SCHEMA);
    if (!db.ok) return err(db.error);
    return ok(new SqliteOutboxStore(db.value));
  }

  write(change: OutboxChange): Result<void, StorageErrorCode> {
    if (change.durability !== 'process') return attempt(() => this.#write(change));
    // No fsync at this commit (SQLite, "PRAGMA synchronous": NORMAL in WAL mode syncs at checkpoints).
    return attempt(() => {
      this.#synchronous.normal.run();
      try {
        this.#write(change);
      } finally {
        this.#synchronous.full.run();
      }
    });
  }

  entry(messageId: string): OutboxEntry | undefined {
    const row = this.#db.prepare('SELECT * FROM outbox WHERE message_id = ?').get(messageId) as
      EntryRow | undefined;
    return row === undefined ? undefined : toEntry(row);
  }

  live(): readonly OutboxEntry[] {
    // Read once at start-up, all of it anyway: sorted here, so no index is written with each entry.
    return (this.#db.prepare('SELECT * FROM outbox').all() as EntryRow[])
      .map(toEntry)
      .sort((a, b) => a.createdAt - b.createdAt || a.sequence - b.sequence);
  }

  report(reportId: string): ReportRecord | undefined {
    const row = this.#db.prepare('SELECT * FROM reports WHERE report_id = ?').get(reportId) as
      ReportRow | undefined;
    return row === undefined ? undefined : toReport(row);
  }

  reports(): readonly ReportRecord[] {
    return (this.#db.prepare('SELECT * FROM reports ORDER BY updated_at').all() as ReportRow[]).map(toReport);
  }

  applied(messageId: string): AppliedMessage | undefined {
    const row = this.#db.prepare('SELECT * FROM applied WHERE message_id = ?').get(messageId) as
      AppliedRow | undefined;
    return row === undefined
      ? undefined
      : { messageId: row.message_id, reportId: row.report_id, from: row.sender, receivedAt: row.received_at };
  }

  formKey(key: string): FormKey | undefined {
    const row = this.#db.prepare('SELECT * FROM form_keys WHERE form_key = ?').get(key) as
      { form_key: string; report_id: string; created_at: number } | undefined;
    return row === undefined ? undefined : { key: row.form_key, reportId: row.report_id, at: row.created_at };
  }

  thread(peer: string, reportId: string): readonly ThreadEntry[] {
    return this.#threads.of(peer, reportId);
  }

  threadByEnvelope(envelopeId: string): PeerEntry | undefined {
    return this.#threads.byEnvelope(envelopeId);
  }

  outcomes(): readonly OutcomeRecord[] {
    return this.#threads.outcomes();
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}
