import { ATTACHMENT_SCHEMA } from './inbox-attachments.js';
import type { BoardReport } from './inbox-state.js';
import { storedReportBody, type AnswerBody, type CancelBody } from './messages.js';
import { hasTable, rebuildTable, type Db, type StoreSchema } from './sqlite.js';
import { THREAD_SCHEMA } from './thread-sqlite.js';

const MESSAGES = `(
  message_id TEXT PRIMARY KEY,
  unit_id TEXT NOT NULL,
  report_id TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  received_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID`;

/** Inboxes written before the unit's directory name was kept gain the column (NULL: shown by id). */
const addUnitName = (db: Db): void => {
  if (!hasTable(db, 'reports')) return;
  const columns = db.pragma('table_info(reports)') as { name: string }[];
  if (!columns.some((c) => c.name === 'unit_name')) db.exec('ALTER TABLE reports ADD COLUMN unit_name TEXT');
};

/**
 * The inbox's tables, laid out for few pages written per report (each page a commit changes is one
 * WAL frame; docs/decisions.md, "Pages per report"). A message id row is small and keyed by the id:
 * `WITHOUT ROWID`, the key's b-tree is the table. A report row carries the report's body (~2 KB), more
 * than a `WITHOUT ROWID` leaf keeps (~1,000 bytes, the rest in overflow pages), so it stays a rowid
 * table with its key in the implicit index, and is changed in place (`REPORT_UPSERT`) so a change
 * leaves that index alone.
 */
export const INBOX_SCHEMA: StoreSchema = {
  version: 1,
  ddl: `
CREATE TABLE IF NOT EXISTS messages ${MESSAGES};
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
${THREAD_SCHEMA}${ATTACHMENT_SCHEMA}`,
  upgrade: (db) => {
    // Version 0 (before user_version was kept): the message ids in a rowid table and its index.
    addUnitName(db);
    rebuildTable(db, 'messages', MESSAGES, 'message_id, unit_id, report_id, sequence, received_at');
  },
};

export interface ReportRow {
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

/**
 * A report stored or changed: an existing row is updated where it is (its rowid kept), so its key in
 * the implicit index is not rewritten, as `INSERT OR REPLACE` (delete, then insert under a new rowid)
 * would.
 */
export const REPORT_UPSERT = `INSERT INTO reports VALUES (@unit_id, @report_id, @status, @sequence, @body,
    @cancel_reason, @viewed, @answer, @handed_over, @out_sequence, @received_at, @updated_at, @unit_name)
  ON CONFLICT (unit_id, report_id) DO UPDATE SET status = excluded.status, sequence = excluded.sequence,
    body = excluded.body, cancel_reason = excluded.cancel_reason, viewed = excluded.viewed,
    answer = excluded.answer, handed_over = excluded.handed_over, out_sequence = excluded.out_sequence,
    received_at = excluded.received_at, updated_at = excluded.updated_at, unit_name = excluded.unit_name`;

// Bodies were validated before they were stored, and only the inbox writes the rows; a body is read
// back through its schema so one stored by an older version (a v1 summary) comes out current.
export const toReport = (r: ReportRow): BoardReport => ({
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

export const toRow = (r: BoardReport, outSequence: number): ReportRow => ({
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
