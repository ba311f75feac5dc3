import Database from 'better-sqlite3';
import * as v from 'valibot';
import { privateSqliteFile } from '../../core/index.js';
import { ALERT_KINDS, alertKey, type Alert, type AlertEnd, type AlertSubject } from './alerts.js';

/** The board's alerts, in the hospital role's data directory (0700), the file 0600 like every store. */
export const ALERTS_FILE = 'alerts.sqlite';

/**
 * Where the desk keeps its alerts so a restart of the hospital role neither forgets nor repeats
 * them: what is open and since when (the re-alert schedule is a pure function of `raisedAt`,
 * alerts.ts), whether the escalation was recorded, and who acknowledged which one when. Writes throw
 * on a storage failure; the desk decides what that means (alert-desk.ts).
 */
export interface AlertStore {
  load(): readonly Alert[];
  /** Writes these alerts (new or changed) in one transaction: all of them or none. */
  save(alerts: readonly Alert[]): void;
  forget(keys: readonly string[]): void;
  close(): void;
}

const Int = v.pipe(v.number(), v.integer());
const Row = v.object({
  key: v.string(),
  kind: v.picklist(ALERT_KINDS),
  unit_id: v.nullable(v.string()),
  report_id: v.nullable(v.string()),
  inquiry_id: v.nullable(v.string()),
  raised_at: Int,
  acuity: v.nullable(Int),
  deadline: v.nullable(Int),
  escalated_at: v.nullable(Int),
  end_kind: v.nullable(v.picklist(['acknowledged', 'answered', 'closed'])),
  end_by: v.nullable(v.string()),
  end_at: v.nullable(Int),
});
type Row = v.InferOutput<typeof Row>;

const subjectOf = (r: Row): AlertSubject | undefined =>
  r.inquiry_id !== null
    ? { kind: 'inquiry', inquiryId: r.inquiry_id }
    : r.unit_id !== null && r.report_id !== null
      ? { kind: 'report', unitId: r.unit_id, reportId: r.report_id }
      : undefined;

const endOf = (r: Row): AlertEnd | undefined | false => {
  if (r.end_kind === null) return undefined;
  if (r.end_at === null) return false;
  switch (r.end_kind) {
    case 'closed':
      return { kind: 'closed', at: r.end_at };
    case 'acknowledged':
    case 'answered':
      return r.end_by === null ? false : { kind: r.end_kind, by: r.end_by, at: r.end_at };
    default:
      return r.end_kind satisfies never;
  }
};

/**
 * A row back as an alert, or undefined when it does not hold together (a key that is not its kind and
 * subject, an end without its time): such a row is left out rather than shown as something it is not.
 */
const alertOf = (raw: unknown): Alert | undefined => {
  const parsed = v.safeParse(Row, raw);
  if (!parsed.success) return undefined;
  const r = parsed.output;
  const subject = subjectOf(r);
  const ended = endOf(r);
  if (subject === undefined || ended === false || alertKey(r.kind, subject) !== r.key) return undefined;
  return {
    key: r.key,
    kind: r.kind,
    subject,
    raisedAt: r.raised_at,
    ...(r.acuity === null ? {} : { acuity: r.acuity }),
    ...(r.deadline === null ? {} : { deadline: r.deadline }),
    ...(r.escalated_at === null ? {} : { escalatedAt: r.escalated_at }),
    ...(ended === undefined ? {} : { ended }),
  };
};

const rowOf = (a: Alert): Row => ({
  key: a.key,
  kind: a.kind,
  unit_id: a.subject.kind === 'report' ? a.subject.unitId : null,
  report_id: a.subject.kind === 'report' ? a.subject.reportId : null,
  inquiry_id: a.subject.kind === 'inquiry' ? a.subject.inquiryId : null,
  raised_at: a.raisedAt,
  acuity: a.acuity ?? null,
  deadline: a.deadline ?? null,
  escalated_at: a.escalatedAt ?? null,
  end_kind: a.ended?.kind ?? null,
  end_by: a.ended === undefined || a.ended.kind === 'closed' ? null : a.ended.by,
  end_at: a.ended?.at ?? null,
});

/** Opaque ids, times, a JTAS level and user ids only: no patient data in this file. */
const SCHEMA = `CREATE TABLE IF NOT EXISTS alerts (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  unit_id TEXT, report_id TEXT, inquiry_id TEXT,
  raised_at INTEGER NOT NULL,
  acuity INTEGER, deadline INTEGER, escalated_at INTEGER,
  end_kind TEXT, end_by TEXT, end_at INTEGER
) STRICT;`;

/**
 * The alerts in SQLite, as the role's other stores: WAL with synchronous FULL, so a write is on disk
 * (the WAL fsynced) before the call returns and an acknowledgement the desk took survives a kill -9.
 */
export class SqliteAlertStore implements AlertStore {
  readonly #db: Database.Database;
  readonly #all: Database.Statement;
  readonly #upsert: Database.Statement;
  readonly #delete: Database.Statement;

  private constructor(db: Database.Database) {
    this.#db = db;
    this.#all = db.prepare('SELECT * FROM alerts ORDER BY seq');
    // A key raised again after its alert ended (a second acuity rise) replaces the ended one.
    this.#upsert = db.prepare(
      `INSERT INTO alerts (key, kind, unit_id, report_id, inquiry_id, raised_at, acuity, deadline,
         escalated_at, end_kind, end_by, end_at)
       VALUES (@key, @kind, @unit_id, @report_id, @inquiry_id, @raised_at, @acuity, @deadline,
         @escalated_at, @end_kind, @end_by, @end_at)
       ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, unit_id = excluded.unit_id,
         report_id = excluded.report_id, inquiry_id = excluded.inquiry_id,
         raised_at = excluded.raised_at, acuity = excluded.acuity, deadline = excluded.deadline,
         escalated_at = excluded.escalated_at, end_kind = excluded.end_kind,
         end_by = excluded.end_by, end_at = excluded.end_at`,
    );
    this.#delete = db.prepare('DELETE FROM alerts WHERE key = ?');
  }

  static open(file: string): SqliteAlertStore {
    privateSqliteFile(file);
    const db = new Database(file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 5000');
      db.exec(SCHEMA);
    } catch (error) {
      db.close();
      throw error;
    }
    return new SqliteAlertStore(db);
  }

  load(): readonly Alert[] {
    return this.#all.all().flatMap((row) => alertOf(row) ?? []);
  }

  save(alerts: readonly Alert[]): void {
    if (alerts.length === 0) return;
    this.#db.transaction(() => {
      for (const a of alerts) this.#upsert.run(rowOf(a));
    })();
  }

  forget(keys: readonly string[]): void {
    if (keys.length === 0) return;
    this.#db.transaction(() => {
      for (const key of keys) this.#delete.run(key);
    })();
  }

  close(): void {
    this.#db.close();
  }
}
