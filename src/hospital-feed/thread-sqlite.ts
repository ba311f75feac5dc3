import type { Db } from './sqlite.js';
import type { QuickReply } from './thread-wire.js';
import type { OutcomeRecord, ThreadEntry, ThreadState, UnreadThread } from './thread-state.js';

/**
 * The conversation and outcome tables, in the same SQLite file as the side's reports (the unit's
 * outbox database, the hospital's inbox), so a message, its applied envelope id and its report's
 * stream sequence are one commit. `peer` is the other side's principal where one file holds several
 * (the hospital: the unit id); at the unit it is the report's hospital.
 */
export const THREAD_SCHEMA = `
CREATE TABLE IF NOT EXISTS thread (
  peer TEXT NOT NULL,
  report_id TEXT NOT NULL,
  thread_id TEXT NOT NULL,
  direction TEXT NOT NULL,
  type TEXT NOT NULL,
  text TEXT,
  quick TEXT,
  sent_at INTEGER NOT NULL,
  state TEXT NOT NULL,
  envelope_id TEXT,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (peer, report_id, thread_id, direction)
) STRICT;
CREATE INDEX IF NOT EXISTS thread_envelope ON thread (envelope_id);
CREATE TABLE IF NOT EXISTS outcomes (
  peer TEXT NOT NULL,
  report_id TEXT NOT NULL,
  outcome_id TEXT NOT NULL,
  icd10 TEXT NOT NULL,
  diagnosis TEXT,
  disposition TEXT NOT NULL,
  note TEXT,
  decided_at INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (peer, report_id)
) STRICT;
CREATE INDEX IF NOT EXISTS outcomes_age ON outcomes (received_at);
`;

interface ThreadRow {
  peer: string;
  report_id: string;
  thread_id: string;
  direction: string;
  type: string;
  text: string | null;
  quick: string | null;
  sent_at: number;
  state: string;
  envelope_id: string | null;
  updated_at: number;
}

interface OutcomeRow {
  peer: string;
  report_id: string;
  outcome_id: string;
  icd10: string;
  diagnosis: string | null;
  disposition: string;
  note: string | null;
  decided_at: number;
  received_at: number;
}

// Rows are only written by these statements from typed values, so reading them back is a cast.
const toEntry = (r: ThreadRow): ThreadEntry => ({
  reportId: r.report_id,
  threadId: r.thread_id,
  direction: r.direction as ThreadEntry['direction'],
  content:
    r.type === 'text'
      ? { type: 'text', text: r.text ?? '' }
      : { type: 'quick', quick: r.quick as QuickReply },
  sentAt: r.sent_at,
  state: r.state as ThreadState,
  ...(r.envelope_id === null ? {} : { envelopeId: r.envelope_id }),
  updatedAt: r.updated_at,
});

const toRow = (peer: string, e: ThreadEntry): ThreadRow => ({
  peer,
  report_id: e.reportId,
  thread_id: e.threadId,
  direction: e.direction,
  type: e.content.type,
  text: e.content.type === 'text' ? e.content.text : null,
  quick: e.content.type === 'quick' ? e.content.quick : null,
  sent_at: e.sentAt,
  state: e.state,
  envelope_id: e.envelopeId ?? null,
  updated_at: e.updatedAt,
});

const toOutcome = (r: OutcomeRow): OutcomeRecord => ({
  reportId: r.report_id,
  peer: r.peer,
  outcomeId: r.outcome_id,
  icd10: r.icd10,
  ...(r.diagnosis === null ? {} : { diagnosis: r.diagnosis }),
  disposition: r.disposition as OutcomeRecord['disposition'],
  ...(r.note === null ? {} : { note: r.note }),
  decidedAt: r.decided_at,
  receivedAt: r.received_at,
});

/** Prepared statements over one database's conversation tables; callers run them in their transactions. */
export class ThreadTables {
  readonly #put: (row: ThreadRow) => void;
  readonly #ofReport: (peer: string, reportId: string) => ThreadRow[];
  readonly #byEnvelope: (envelopeId: string) => ThreadRow | undefined;
  readonly #dropReport: (peer: string, reportId: string) => void;
  readonly #putOutcome: (row: OutcomeRow) => void;
  readonly #outcomes: () => OutcomeRow[];
  readonly #outcome: (peer: string, reportId: string) => OutcomeRow | undefined;
  readonly #forgetOutcomes: (before: number) => number;
  readonly #unread: () => { peer: string; report_id: string; unread: number; since: number }[];
  readonly #orphans: () => void;

  constructor(db: Db, withReports?: { readonly reportsTable: string; readonly peerColumn: string }) {
    const put = db.prepare(
      `INSERT OR REPLACE INTO thread VALUES (@peer, @report_id, @thread_id, @direction, @type, @text,
         @quick, @sent_at, @state, @envelope_id, @updated_at)`,
    );
    this.#put = (row) => void put.run(row);
    const ofReport = db.prepare('SELECT * FROM thread WHERE peer = ? AND report_id = ?');
    this.#ofReport = (peer, reportId) => ofReport.all(peer, reportId) as ThreadRow[];
    const byEnvelope = db.prepare('SELECT * FROM thread WHERE envelope_id = ?');
    this.#byEnvelope = (id) => byEnvelope.get(id) as ThreadRow | undefined;
    const drop = db.prepare('DELETE FROM thread WHERE peer = ? AND report_id = ?');
    this.#dropReport = (peer, reportId) => void drop.run(peer, reportId);
    const putOutcome = db.prepare(
      `INSERT OR REPLACE INTO outcomes VALUES (@peer, @report_id, @outcome_id, @icd10, @diagnosis,
         @disposition, @note, @decided_at, @received_at)`,
    );
    this.#putOutcome = (row) => void putOutcome.run(row);
    const outcomes = db.prepare('SELECT * FROM outcomes ORDER BY received_at DESC');
    this.#outcomes = () => outcomes.all() as OutcomeRow[];
    const outcome = db.prepare('SELECT * FROM outcomes WHERE peer = ? AND report_id = ?');
    this.#outcome = (peer, reportId) => outcome.get(peer, reportId) as OutcomeRow | undefined;
    const forget = db.prepare('DELETE FROM outcomes WHERE received_at < ?');
    this.#forgetOutcomes = (before) => forget.run(before).changes;
    const unread = db.prepare(
      `SELECT peer, report_id, COUNT(*) AS unread, MIN(updated_at) AS since FROM thread
        WHERE direction = 'in' AND state = 'unread' GROUP BY peer, report_id ORDER BY since`,
    );
    this.#unread = () => unread.all() as { peer: string; report_id: string; unread: number; since: number }[];
    // The hospital's conversation goes with its report when retention deletes it.
    const orphans =
      withReports === undefined
        ? undefined
        : [
            db.prepare(
              `DELETE FROM thread WHERE NOT EXISTS (SELECT 1 FROM ${withReports.reportsTable} r
                 WHERE r.${withReports.peerColumn} = thread.peer AND r.report_id = thread.report_id)`,
            ),
            db.prepare(
              `DELETE FROM outcomes WHERE NOT EXISTS (SELECT 1 FROM ${withReports.reportsTable} r
                 WHERE r.${withReports.peerColumn} = outcomes.peer AND r.report_id = outcomes.report_id)`,
            ),
          ];
    this.#orphans = () => {
      for (const s of orphans ?? []) s.run();
    };
  }

  put(peer: string, entry: ThreadEntry): void {
    this.#put(toRow(peer, entry));
  }

  of(peer: string, reportId: string): ThreadEntry[] {
    return this.#ofReport(peer, reportId).map(toEntry);
  }

  byEnvelope(envelopeId: string): { readonly peer: string; readonly entry: ThreadEntry } | undefined {
    const row = this.#byEnvelope(envelopeId);
    return row === undefined ? undefined : { peer: row.peer, entry: toEntry(row) };
  }

  drop(peer: string, reportId: string): void {
    this.#dropReport(peer, reportId);
  }

  putOutcome(o: OutcomeRecord): void {
    this.#putOutcome({
      peer: o.peer,
      report_id: o.reportId,
      outcome_id: o.outcomeId,
      icd10: o.icd10,
      diagnosis: o.diagnosis ?? null,
      disposition: o.disposition,
      note: o.note ?? null,
      decided_at: o.decidedAt,
      received_at: o.receivedAt,
    });
  }

  outcome(peer: string, reportId: string): OutcomeRecord | undefined {
    const row = this.#outcome(peer, reportId);
    return row === undefined ? undefined : toOutcome(row);
  }

  outcomes(): OutcomeRecord[] {
    return this.#outcomes().map(toOutcome);
  }

  forgetOutcomes(before: number): number {
    return this.#forgetOutcomes(before);
  }

  unread(): UnreadThread[] {
    return this.#unread().map((r) => ({
      unitId: r.peer,
      reportId: r.report_id,
      unread: r.unread,
      since: r.since,
    }));
  }

  dropOrphans(): void {
    this.#orphans();
  }
}
