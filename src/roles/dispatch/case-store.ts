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
import { attempt, openDatabase, type Db, type StorageErrorCode } from '../../hospital-feed/index.js';

/** The dispatch centre's open and recent cases, in its data directory (0700), the file 0600. */
export const CASES_FILE = 'cases.sqlite';

/**
 * One row per case: its inquiry state (the request: case id, category, acuity, age band, sex; the
 * region's policy; each hospital asked, when, and where its answer stands), the inquiries that could
 * not be sent, the incident the ranking needs (its place, category and acuity) and the dispatcher
 * (user id) whose case it is. No name, no address, no call-back number: the centre's forms hold none.
 */
const SCHEMA = `CREATE TABLE IF NOT EXISTS cases (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  case_id TEXT NOT NULL UNIQUE,
  state TEXT,
  not_sent TEXT NOT NULL DEFAULT '[]',
  incident TEXT,
  opened_by TEXT,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS cases_updated ON cases (updated_at);`;

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
    notSent === undefined
  )
    return undefined;
  return {
    caseId: r.case_id,
    ...(state === undefined ? {} : { state }),
    notSent,
    ...(incident === undefined ? {} : { incident }),
    ...(r.opened_by === null ? {} : { openedBy: r.opened_by }),
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
  readonly #prune: (r: CaseRetention) => number;

  private constructor(db: Db) {
    this.#db = db;
    db.pragma('secure_delete = ON');
    const all = db.prepare(
      'SELECT case_id, state, not_sent, incident, opened_by, updated_at FROM cases ORDER BY seq',
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
    const old = db.prepare('DELETE FROM cases WHERE updated_at < ?');
    const beyond = db.prepare(
      'DELETE FROM cases WHERE seq <= (SELECT seq FROM cases ORDER BY seq DESC LIMIT 1 OFFSET ?)',
    );
    this.#prune = (r) => old.run(r.before).changes + beyond.run(r.keep).changes;
  }

  static open(file: string): Result<SqliteCaseStore, StorageErrorCode> {
    const db = openDatabase(file, SCHEMA);
    if (!db.ok) return err(db.error);
    const store = attempt(() => new SqliteCaseStore(db.value));
    if (!store.ok) db.value.close();
    return store;
  }

  /** Forgets what is past retention (unreadable rows included), then reads back what is left. */
  load(retention: CaseRetention): Result<LoadedCases, StorageErrorCode> {
    return attempt(() => {
      this.#pruned(retention, () => undefined);
      const rows = this.#all();
      const cases = rows.flatMap((row) => caseOf(row) ?? []);
      return { cases, unreadable: rows.length - cases.length };
    });
  }

  /** Writes a case's inquiry state (and what could not be sent), forgetting what is past retention. */
  saveState(
    state: InquiryState,
    notSent: readonly string[],
    now: number,
    retention: CaseRetention,
  ): Result<void, StorageErrorCode> {
    return attempt(() =>
      this.#pruned(retention, () =>
        this.#putState(state.request.caseId, JSON.stringify(state), JSON.stringify(notSent), now),
      ),
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
      this.#pruned(retention, () => this.#putIncident(caseId, JSON.stringify(incident), openedBy, now)),
    );
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }

  /** One commit; a TRUNCATE checkpoint after a prune so the deleted rows leave the `-wal` too. */
  #pruned(retention: CaseRetention, write: () => void): void {
    const pruned = this.#db.transaction(() => {
      write();
      return this.#prune(retention);
    })();
    if (pruned > 0) this.#db.pragma('wal_checkpoint(TRUNCATE)');
  }
}

/** Cases are hours long at most: the file keeps the latest 1000, none unchanged for a day. */
export const caseRetention = (now: number): CaseRetention => ({ keep: 1000, before: now - 24 * 3600_000 });
