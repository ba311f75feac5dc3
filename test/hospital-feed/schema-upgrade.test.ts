import Database from 'better-sqlite3';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  SqliteInboxStore,
  SqliteOutboxStore,
  FEED_ERRORS,
  type ThreadEntry,
} from '../../src/hospital-feed/index.js';
import { unwrap } from '../support/feed/harness.js';
import { sampleReport } from '../support/feed/sample.js';
import { applied, entry, report } from './outbox-store.contract.js';

/**
 * Files on tablets and ER boxes were written by the version before `PRAGMA user_version` was kept
 * (version 0). These are their tables exactly as that version created them; the store opens such a
 * file, rebuilds its tables in one transaction and finds every row.
 */
const OLD_THREADS = `
CREATE TABLE thread (
  peer TEXT NOT NULL, report_id TEXT NOT NULL, thread_id TEXT NOT NULL, direction TEXT NOT NULL,
  type TEXT NOT NULL, text TEXT, quick TEXT, sent_at INTEGER NOT NULL, state TEXT NOT NULL,
  envelope_id TEXT, updated_at INTEGER NOT NULL, PRIMARY KEY (peer, report_id, thread_id, direction)
) STRICT;
CREATE INDEX thread_envelope ON thread (envelope_id);
CREATE TABLE outcomes (
  peer TEXT NOT NULL, report_id TEXT NOT NULL, outcome_id TEXT NOT NULL, icd10 TEXT NOT NULL,
  diagnosis TEXT, disposition TEXT NOT NULL, note TEXT, decided_at INTEGER NOT NULL,
  received_at INTEGER NOT NULL, PRIMARY KEY (peer, report_id)
) STRICT;
CREATE INDEX outcomes_age ON outcomes (received_at);`;

const OLD_OUTBOX = `
CREATE TABLE outbox (
  message_id TEXT PRIMARY KEY, report_id TEXT NOT NULL, kind TEXT NOT NULL, recipient TEXT NOT NULL,
  topic TEXT NOT NULL, sequence INTEGER NOT NULL, created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL, bytes BLOB NOT NULL, transport TEXT NOT NULL,
  attempts INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL
) STRICT;
CREATE INDEX outbox_order ON outbox (created_at, sequence);
CREATE TABLE reports (
  report_id TEXT PRIMARY KEY, hospital_id TEXT NOT NULL, lifecycle TEXT NOT NULL,
  hospital TEXT NOT NULL, answer_sequence INTEGER NOT NULL, decline_reason TEXT,
  sequence INTEGER NOT NULL, latest TEXT NOT NULL, latest_message_id TEXT NOT NULL,
  expires_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, decline_note TEXT
) STRICT;
CREATE TABLE applied (
  message_id TEXT PRIMARY KEY, report_id TEXT NOT NULL, sender TEXT NOT NULL,
  received_at INTEGER NOT NULL
) STRICT;
CREATE INDEX applied_age ON applied (received_at);
CREATE TABLE form_keys (
  form_key TEXT PRIMARY KEY, report_id TEXT NOT NULL, created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX form_keys_age ON form_keys (created_at);
${OLD_THREADS}`;

const OLD_INBOX = `
CREATE TABLE messages (
  message_id TEXT PRIMARY KEY, unit_id TEXT NOT NULL, report_id TEXT NOT NULL,
  sequence INTEGER NOT NULL, received_at INTEGER NOT NULL
) STRICT;
CREATE TABLE reports (
  unit_id TEXT NOT NULL, report_id TEXT NOT NULL, status TEXT NOT NULL, sequence INTEGER NOT NULL,
  body TEXT, cancel_reason TEXT, viewed INTEGER NOT NULL, answer TEXT, handed_over INTEGER NOT NULL,
  out_sequence INTEGER NOT NULL, received_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  unit_name TEXT, PRIMARY KEY (unit_id, report_id)
) STRICT;
${OLD_THREADS}
CREATE TABLE attachment_chunks (
  unit_id TEXT NOT NULL, attachment_id TEXT NOT NULL, idx INTEGER NOT NULL, header TEXT NOT NULL,
  data BLOB NOT NULL, received_at INTEGER NOT NULL, PRIMARY KEY (unit_id, attachment_id, idx)
) STRICT;
CREATE TABLE attachments (
  unit_id TEXT NOT NULL, report_id TEXT NOT NULL, attachment_id TEXT NOT NULL, status TEXT NOT NULL,
  refusal TEXT, media_type TEXT NOT NULL, category TEXT NOT NULL, added_at TEXT NOT NULL,
  size INTEGER NOT NULL, digest TEXT NOT NULL, data BLOB, received_at INTEGER NOT NULL,
  PRIMARY KEY (unit_id, attachment_id)
) STRICT;
CREATE INDEX attachments_of_report ON attachments (unit_id, report_id);`;

const thread: ThreadEntry = {
  reportId: 'report-1',
  threadId: 'thread-1',
  direction: 'in',
  content: { type: 'text', text: 'CT 室へ直接' },
  sentAt: 2_000,
  state: 'unread',
  envelopeId: 'envelope-1',
  updatedAt: 2_000,
};

/** The file's version and what its schema holds now. */
const layout = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return {
      version: db.pragma('user_version', { simple: true }) as number,
      objects: (
        db.prepare('SELECT name, sql FROM sqlite_schema').all() as { name: string; sql: string | null }[]
      )
        .map((o) => `${o.name}${o.sql?.includes('WITHOUT ROWID') === true ? ' (without rowid)' : ''}`)
        .sort(),
    };
  } finally {
    db.close();
  }
};

const oldFile = (name: string, ddl: string, fill: (db: Database.Database) => void): string => {
  const file = join(mkdtempSync(join(tmpdir(), 'upgrade-')), name);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(ddl);
  fill(db);
  db.close();
  return file;
};

const fillOutbox = (db: Database.Database): void => {
  const put = db.prepare('INSERT INTO outbox VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  for (const e of [entry(2), entry(1, { attempts: 3, transport: 'at-broker', nextAttemptAt: 5_000 })])
    put.run(
      e.messageId,
      e.reportId,
      e.kind,
      e.to,
      e.topic,
      e.sequence,
      e.createdAt,
      e.expiresAt,
      Buffer.from(e.bytes),
      e.transport,
      e.attempts,
      e.nextAttemptAt,
    );
  const putReport = db.prepare('INSERT INTO reports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  putReport.run(
    'report-1',
    'hosp-demo-a',
    'open',
    'declined',
    2,
    'other',
    3,
    'acknowledged',
    'message-1',
    100_000,
    1_000,
    '脳外科医不在',
  );
  putReport.run(
    'report-2',
    'hosp-demo-a',
    'open',
    'none',
    0,
    null,
    1,
    'queued',
    'message-2',
    100_000,
    1_000,
    null,
  );
  db.prepare('INSERT INTO applied VALUES (?, ?, ?, ?)').run('answer-1', 'report-1', 'hosp-demo-a', 1_500);
  db.prepare('INSERT INTO form_keys VALUES (?, ?, ?)').run('form-1', 'report-1', 900);
  db.prepare('INSERT INTO thread VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
    'hosp-demo-a',
    'report-1',
    'thread-1',
    'in',
    'text',
    'CT 室へ直接',
    null,
    2_000,
    'unread',
    'envelope-1',
    2_000,
  );
};

describe('opening a file written before user_version was kept (version 0)', () => {
  it('the unit’s outbox: every entry, report, applied id, form key and message is found, in the new tables', () => {
    const file = oldFile('outbox.sqlite', OLD_OUTBOX, fillOutbox);
    const store = unwrap(SqliteOutboxStore.open(file));
    expect(store.live()).toEqual([
      entry(1, { attempts: 3, transport: 'at-broker', nextAttemptAt: 5_000 }),
      entry(2),
    ]);
    expect(store.report('report-1')).toEqual(
      report(1, {
        hospital: 'declined',
        answerSequence: 2,
        declineReason: 'other',
        declineNote: '脳外科医不在',
        sequence: 3,
        latest: 'acknowledged',
      }),
    );
    expect(store.report('report-2')).toEqual(report(2));
    expect(store.applied('answer-1')).toEqual(applied('answer-1', 1_500));
    expect(store.formKey('form-1')).toEqual({ key: 'form-1', reportId: 'report-1', at: 900 });
    expect(store.thread('hosp-demo-a', 'report-1')).toEqual([thread]);
    // The old tables' pages left the -wal file with the upgrade's checkpoint.
    expect(statSync(`${file}-wal`).size).toBe(0);
    // Writes go on as before, and survive a reopen.
    expect(store.write({ entries: [entry(3)], reports: [report(3)], forgetFormKeysBefore: 1_000 }).ok).toBe(
      true,
    );
    store.close();
    const again = unwrap(SqliteOutboxStore.open(file));
    expect(again.live().map((e) => e.messageId)).toEqual(['message-1', 'message-2', 'message-3']);
    expect(again.formKey('form-1')).toBeUndefined();
    expect(again.reports()).toHaveLength(3);
    again.close();
    expect(layout(file)).toEqual({
      version: 1,
      objects: [
        'applied (without rowid)',
        'applied_age',
        'form_keys (without rowid)',
        'outbox',
        'outcomes',
        'outcomes_age',
        'reports (without rowid)',
        'sqlite_autoindex_outbox_1',
        'sqlite_autoindex_outcomes_1',
        'sqlite_autoindex_thread_1',
        'thread',
        'thread_envelope',
      ],
    });
  });

  it('the hospital’s inbox: every message id and report is found, and acknowledged again on its next sequence', () => {
    const body = { ...sampleReport(1, 0), reportId: 'report-1' };
    const file = oldFile('inbox.sqlite', OLD_INBOX, (db) => {
      const message = db.prepare('INSERT INTO messages VALUES (?, ?, ?, ?, ?)');
      message.run('message-1', 'amb-demo-01', 'report-1', 1, 1_000);
      message.run('message-2', 'amb-demo-01', 'report-1', 2, 1_100);
      db.prepare('INSERT INTO reports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
        'amb-demo-01',
        'report-1',
        'active',
        2,
        JSON.stringify(body),
        null,
        1,
        null,
        0,
        4,
        1_000,
        1_100,
        '救急1',
      );
      db.prepare('INSERT INTO thread VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
        'amb-demo-01',
        'report-1',
        'thread-1',
        'in',
        'text',
        'CT 室へ直接',
        null,
        2_000,
        'unread',
        'envelope-1',
        2_000,
      );
    });
    const inbox = unwrap(SqliteInboxStore.open(file));
    expect(inbox.has('message-1')).toBe(true);
    expect(inbox.has('message-2')).toBe(true);
    expect(inbox.report('amb-demo-01', 'report-1')).toEqual({
      unitId: 'amb-demo-01',
      reportId: 'report-1',
      status: 'active',
      sequence: 2,
      body,
      viewed: true,
      handedOver: false,
      receivedAt: 1_000,
      updatedAt: 1_100,
      unitName: '救急1',
    });
    expect(inbox.thread('amb-demo-01', 'report-1')).toEqual([thread]);
    expect(statSync(`${file}-wal`).size).toBe(0);
    // The stream sequence reserved so far (4) was kept: the next acknowledgement goes on 5.
    expect(unwrap(inbox.redelivered('message-2'))).toEqual({
      unitId: 'amb-demo-01',
      reportId: 'report-1',
      ackSequence: 5,
    });
    inbox.close();
    expect(layout(file)).toEqual({
      version: 1,
      objects: [
        'attachment_chunks',
        'attachments',
        'attachments_of_report',
        'messages (without rowid)',
        'outcomes',
        'outcomes_age',
        'reports',
        'sqlite_autoindex_attachment_chunks_1',
        'sqlite_autoindex_attachments_1',
        'sqlite_autoindex_outcomes_1',
        'sqlite_autoindex_reports_1',
        'sqlite_autoindex_thread_1',
        'thread',
        'thread_envelope',
      ],
    });
  });

  it('an upgrade that cannot finish changes nothing: the file stays as it was, and the store does not open', () => {
    // Something no version of the store made, in the way of the last table's rebuild: that step
    // fails, so the whole upgrade is rolled back, the index dropped and the tables rebuilt before it
    // included.
    const file = oldFile('outbox.sqlite', OLD_OUTBOX, (db) => {
      fillOutbox(db);
      db.exec('CREATE TABLE form_keys_rebuilt (x)');
    });
    const before = layout(file);
    const opened = SqliteOutboxStore.open(file);
    expect(opened.ok ? 'opened' : opened.error).toBe(FEED_ERRORS.operator.storageFailed);
    expect(layout(file)).toEqual(before);
    expect(before.version).toBe(0);
    expect(before.objects).toContain('outbox_order');
  });

  it('a new file gets the current tables and version; opening it again changes nothing', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'upgrade-')), 'outbox.sqlite');
    unwrap(SqliteOutboxStore.open(file)).close();
    const first = layout(file);
    expect(first.version).toBe(1);
    unwrap(SqliteOutboxStore.open(file)).close();
    expect(layout(file)).toEqual(first);
  });
});
