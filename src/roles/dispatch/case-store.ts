import * as v from 'valibot';
import { err, type Result } from '../../core/index.js';
import {
  DeclineReason,
  Incident,
  InquiryPolicy,
  InquiryRequest,
  OpaqueId,
  type InquiryState,
} from '../../dispatch/index.js';
import {
  attempt,
  MIN_RETENTION_MS,
  openDatabase,
  type Db,
  type StorageErrorCode,
} from '../../hospital-feed/index.js';

/** The dispatch centre's open and recent cases, in its data directory (0700), the file 0600. */
export const CASES_FILE = 'cases.sqlite';

/**
 * One row per case: its inquiry state (the request: case id, category, acuity, age band, sex; the
 * region's policy; each hospital asked, when, and where its answer stands), the inquiries that could
 * not be sent, the incident the ranking needs (its place, category and acuity), the dispatcher
 * (user id) whose case it is and the ambulance unit assigned to it (its principal id). No name, no
 * address, no call-back number: the centre's forms hold none.
 *
 * `answers` holds the envelope id of every hospital answer applied to a case, written in the same
 * commit as the case state it changed: it is dispatch's replay check for answers (`answered`), so an
 * answer is either applied and its id stored, or neither (a kill -9 in between leaves the broker's
 * redelivery to be applied once). Kept MIN_RETENTION_MS, longer than any envelope can be accepted,
 * whatever happens to the case.
 */
const SCHEMA = `CREATE TABLE IF NOT EXISTS cases (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  case_id TEXT NOT NULL UNIQUE,
  state TEXT,
  not_sent TEXT NOT NULL DEFAULT '[]',
  incident TEXT,
  opened_by TEXT,
  updated_at INTEGER NOT NULL,
  unit_id TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS cases_updated ON cases (updated_at);
CREATE TABLE IF NOT EXISTS answers (
  message_id TEXT NOT NULL PRIMARY KEY,
  case_id TEXT NOT NULL,
  inquiry_id TEXT NOT NULL,
  keep_until INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS answers_keep_until ON answers (keep_until);`;

/** Files written before units were kept gain the column (NULL: no unit assigned). */
const migrate = (db: Db): void => {
  const columns = db.pragma('table_info(cases)') as { name: string }[];
  if (!columns.some((c) => c.name === 'unit_id')) db.exec('ALTER TABLE cases ADD COLUMN unit_id TEXT');
};

/** Which cases are kept: the latest `keep`, none last changed before `before`. */
export interface CaseRetention {
  readonly keep: number;
  readonly before: number;
}

const Int = v.pipe(v.number(), v.integer(), v.minValue(0));
const Target = v.object({
  inquiryId: OpaqueId,
  hospitalId: OpaqueId,
  etaMinutes: v.pipe(v.number(), v.minValue(0), v.maxValue(600)),
  sentAt: Int,
  answerBy: Int,
  phase: v.picklist(['pending', 'timedOut', 'accepted', 'declined', 'withdrawn']),
  answeredAt: v.exactOptional(Int),
  declineReason: v.exactOptional(DeclineReason),
});
const State = v.object({
  request: InquiryRequest,
  policy: InquiryPolicy,
  outcome: v.picklist(['open', 'accepted', 'cancelled']),
  winner: v.exactOptional(OpaqueId),
  escalatedAt: v.exactOptional(Int),
  targets: v.array(Target),
});
const NotSent = v.array(OpaqueId);

const Row = v.object({
  case_id: v.string(),
  state: v.nullable(v.string()),
  not_sent: v.string(),
  incident: v.nullable(v.string()),
  opened_by: v.nullable(v.string()),
  unit_id: v.nullable(v.string()),
  updated_at: Int,
});
type Row = v.InferOutput<typeof Row>;

const parsed = <S extends v.GenericSchema>(schema: S, text: string): v.InferOutput<S> | undefined => {
  try {
    const r = v.safeParse(schema, JSON.parse(text));
    return r.success ? r.output : undefined;
  } catch {
    return undefined;
  }
};

export interface StoredCase {
  readonly caseId: string;
  readonly state?: InquiryState;
  readonly notSent: readonly string[];
  readonly incident?: Incident;
  /** The dispatcher whose case it is (the incident form shows their latest case). */
  readonly openedBy?: string;
  /** The ambulance unit assigned to the case and told so (its milestones are taken). */
  readonly unitId?: string;
}

/** An answer's envelope, stored with the case state it changed (its id is the replay check). */
export interface AnswerReceipt {
  readonly messageId: string;
  readonly inquiryId: string;
}

/** Which case and inquiry a stored answer was for. */
export interface StoredAnswer {
  readonly caseId: string;
  readonly inquiryId: string;
}

/** A row back as a case, or undefined when any part of it does not read back (never half a case). */
const caseOf = (raw: unknown): StoredCase | undefined => {
  const row = v.safeParse(Row, raw);
  if (!row.success) return undefined;
  const r = row.output;
  const state = r.state === null ? undefined : parsed(State, r.state);
  const incident = r.incident === null ? undefined : parsed(Incident, r.incident);
  const notSent = parsed(NotSent, r.not_sent);
  if (
    (r.state !== null && state?.request.caseId !== r.case_id) ||
    (r.incident !== null && incident === undefined) ||
    (r.unit_id !== null && !v.is(OpaqueId, r.unit_id)) ||
    notSent === undefined
  )
    return undefined;
  return {
    caseId: r.case_id,
    ...(state === undefined ? {} : { state }),
    notSent,
    ...(incident === undefined ? {} : { incident }),
    ...(r.opened_by === null ? {} : { openedBy: r.opened_by }),
    ...(r.unit_id === null ? {} : { unitId: r.unit_id }),
  };
};

export interface LoadedCases {
  /** Oldest first (order the cases were opened). */
  readonly cases: readonly StoredCase[];
  /** Rows left out because they do not read back (counted for the log, never shown). */
  readonly unreadable: number;
}

/**
 * The cases in SQLite, opened as the feed's stores are (`openDatabase`: WAL, synchronous FULL,
 * 0600): a case's state is committed before its commands go out, so a restarted dispatch process
 * (kill -9 included) still knows whom it asked and confirms or withdraws their answers. Every call
 * returns a coded result instead of throwing; the desk decides what that means (inquiry-desk.ts).
 */
export class SqliteCaseStore {
  readonly #db: Db;
  readonly #all: () => unknown[];
  readonly #putState: (caseId: string, state: string, notSent: string, now: number) => void;
  readonly #putIncident: (caseId: string, incident: string, openedBy: string, now: number) => void;
  readonly #putUnit: (caseId: string, unitId: string, now: number) => void;
  readonly #putAnswer: (caseId: string, answer: AnswerReceipt, now: number) => void;
  readonly #answer: (messageId: string) => StoredAnswer | undefined;
  readonly #prune: (r: CaseRetention, now: number) => number;

  private constructor(db: Db) {
    this.#db = db;
    db.pragma('secure_delete = ON');
    const all = db.prepare(
      'SELECT case_id, state, not_sent, incident, opened_by, unit_id, updated_at FROM cases ORDER BY seq',
    );
    this.#all = () => all.all();
    const putState = db.prepare(
      `INSERT INTO cases (case_id, state, not_sent, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (case_id) DO UPDATE SET state = excluded.state, not_sent = excluded.not_sent,
         updated_at = excluded.updated_at`,
    );
    this.#putState = (caseId, state, notSent, now) => void putState.run(caseId, state, notSent, now);
    const putIncident = db.prepare(
      `INSERT INTO cases (case_id, incident, opened_by, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (case_id) DO UPDATE SET incident = excluded.incident, opened_by = excluded.opened_by,
         updated_at = excluded.updated_at`,
    );
    this.#putIncident = (caseId, incident, openedBy, now) =>
      void putIncident.run(caseId, incident, openedBy, now);
    const putUnit = db.prepare(
      `INSERT INTO cases (case_id, unit_id, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (case_id) DO UPDATE SET unit_id = excluded.unit_id, updated_at = excluded.updated_at`,
    );
    this.#putUnit = (caseId, unitId, now) => void putUnit.run(caseId, unitId, now);
    // OR IGNORE: a copy opened while the first was still queued is found by the desk before it is
    // applied (inquiry-desk.ts); the first id written stands.
    const putAnswer = db.prepare('INSERT OR IGNORE INTO answers VALUES (?, ?, ?, ?)');
    this.#putAnswer = (caseId, a, now) =>
      void putAnswer.run(a.messageId, caseId, a.inquiryId, now + MIN_RETENTION_MS);
    const answer = db.prepare('SELECT case_id, inquiry_id FROM answers WHERE message_id = ?');
    this.#answer = (messageId) => {
      const row = answer.get(messageId) as { case_id: string; inquiry_id: string } | undefined;
      return row === undefined ? undefined : { caseId: row.case_id, inquiryId: row.inquiry_id };
    };
    const old = db.prepare('DELETE FROM cases WHERE updated_at < ?');
    const beyond = db.prepare(
      'DELETE FROM cases WHERE seq <= (SELECT seq FROM cases ORDER BY seq DESC LIMIT 1 OFFSET ?)',
    );
    const expired = db.prepare('DELETE FROM answers WHERE keep_until < ?');
    this.#prune = (r, now) =>
      old.run(r.before).changes + beyond.run(r.keep).changes + expired.run(now).changes;
  }

  static open(file: string): Result<SqliteCaseStore, StorageErrorCode> {
    const db = openDatabase(file, SCHEMA);
    if (!db.ok) return err(db.error);
    const store = attempt(() => {
      migrate(db.value);
      return new SqliteCaseStore(db.value);
    });
    if (!store.ok) db.value.close();
    return store;
  }

  /** Forgets what is past retention (unreadable rows included), then reads back what is left. */
  load(retention: CaseRetention, now: number): Result<LoadedCases, StorageErrorCode> {
    return attempt(() => {
      this.#pruned(retention, now, () => undefined);
      const rows = this.#all();
      const cases = rows.flatMap((row) => caseOf(row) ?? []);
      return { cases, unreadable: rows.length - cases.length };
    });
  }

  /**
   * Writes a case's inquiry state (and what could not be sent), forgetting what is past retention;
   * with `answer`, the answer's envelope id in the same commit (the step that answer made).
   */
  saveState(
    state: InquiryState,
    notSent: readonly string[],
    now: number,
    retention: CaseRetention,
    answer?: AnswerReceipt,
  ): Result<void, StorageErrorCode> {
    const caseId = state.request.caseId;
    return attempt(() =>
      this.#pruned(retention, now, () => {
        this.#putState(caseId, JSON.stringify(state), JSON.stringify(notSent), now);
        if (answer !== undefined) this.#putAnswer(caseId, answer, now);
      }),
    );
  }

  /** Writes the incident a case is ranked for, and whose case it is. */
  saveIncident(
    caseId: string,
    incident: Incident,
    openedBy: string,
    now: number,
    retention: CaseRetention,
  ): Result<void, StorageErrorCode> {
    return attempt(() =>
      this.#pruned(retention, now, () => this.#putIncident(caseId, JSON.stringify(incident), openedBy, now)),
    );
  }

  /** Writes the ambulance unit assigned to a case (once it was told). */
  saveUnit(
    caseId: string,
    unitId: string,
    now: number,
    retention: CaseRetention,
  ): Result<void, StorageErrorCode> {
    return attempt(() => this.#pruned(retention, now, () => this.#putUnit(caseId, unitId, now)));
  }

  /** The case and inquiry of a stored answer, by its envelope id: the codec's replay check for answers. */
  answered(messageId: string): Result<StoredAnswer | undefined, StorageErrorCode> {
    return attempt(() => this.#answer(messageId));
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }

  /** One commit; a TRUNCATE checkpoint after a prune so the deleted rows leave the `-wal` too. */
  #pruned(retention: CaseRetention, now: number, write: () => void): void {
    const pruned = this.#db.transaction(() => {
      write();
      return this.#prune(retention, now);
    })();
    if (pruned > 0) this.#db.pragma('wal_checkpoint(TRUNCATE)');
  }
}

/** Cases are hours long at most: the file keeps the latest 1000, none unchanged for a day. */
export const caseRetention = (now: number): CaseRetention => ({ keep: 1000, before: now - 24 * 3600_000 });
