import type Database from 'better-sqlite3';
import { err, type Clock, type Result } from '../../core/index.js';
import {
  strokeCapable,
  type Category,
  type Disposition,
  type HospitalStatus,
  type OutcomeFact,
} from '../../dispatch/index.js';
import {
  attempt,
  encodeBody,
  openDatabase,
  topics,
  type EnvelopeCodec,
  type FeedLink,
  type OpenedEnvelope,
  type OutcomeBody,
  type Db,
  type StorageErrorCode,
} from '../../hospital-feed/index.js';
import type { Logger } from '../../log/index.js';

/** Append-only: an outcome is stored once, by its envelope's id, and never changed. */
const OUTCOMES_SCHEMA = `CREATE TABLE IF NOT EXISTS outcomes (
      message_id TEXT PRIMARY KEY, case_id TEXT NOT NULL, hospital_id TEXT NOT NULL,
      report_id TEXT NOT NULL, icd10 TEXT NOT NULL, disposition TEXT NOT NULL, category TEXT,
      stroke_capable INTEGER, at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX IF NOT EXISTS outcomes_at ON outcomes (at);
    CREATE TRIGGER IF NOT EXISTS outcomes_no_update BEFORE UPDATE ON outcomes BEGIN SELECT RAISE(ABORT, 'append-only'); END;`;

/** The outcomes' file in the dispatch role's data directory. */
export const OUTCOMES_FILE = 'outcomes.sqlite';

/** Why an outcome changed nothing here; counted in `ems_dispatch_outcomes_rejected_total{reason}`. */
export type OutcomeRefusal = 'notAHospital' | 'noCase' | 'misaddressed';

interface Row {
  message_id: string;
  case_id: string;
  hospital_id: string;
  report_id: string;
  icd10: string;
  disposition: string;
  category: string | null;
  stroke_capable: number | null;
  at: number;
}

/**
 * The dispatch centre's side of outcome feedback (issue 16, item 5): hospitals send, for a case the
 * report named, the ICD-10 code and disposition (no note, no other patient data), through their
 * durable reply outbox; dispatch stores it with the case's category and whether the hospital was
 * stroke-capable by the status held now (`outcomes.sqlite`, append-only, FULL sync), then
 * acknowledges it (`ack received`) so the hospital stops resending. The row's message id is the
 * replay check (`has`): stored in the one commit that stores the outcome, so a kill -9 before it
 * leaves the copy (the broker's or the hospital outbox's) to be taken. A redelivery of a stored one is
 * acknowledged again.
 */
export class OutcomeDesk {
  readonly #db: Db;
  readonly #insert: Database.Statement;
  readonly #byMessage: Database.Statement;
  readonly #since: Database.Statement;

  private constructor(
    db: Db,
    private readonly o: {
      readonly dispatchId: string;
      readonly codec: EnvelopeCodec;
      readonly link: Pick<FeedLink, 'publish'>;
      readonly clock: Clock;
      readonly categoryOf: (caseId: string) => Category | undefined;
      readonly statusOf: (hospitalId: string) => HospitalStatus | undefined;
      readonly rejected: (reason: OutcomeRefusal) => void;
      readonly logger: Logger;
    },
  ) {
    this.#db = db;
    this.#insert = db.prepare(
      `INSERT OR IGNORE INTO outcomes VALUES (@message_id, @case_id, @hospital_id, @report_id, @icd10,
         @disposition, @category, @stroke_capable, @at)`,
    );
    this.#byMessage = db.prepare('SELECT * FROM outcomes WHERE message_id = ?');
    this.#since = db.prepare('SELECT * FROM outcomes WHERE at >= ? ORDER BY at');
  }

  /**
   * Opens (or creates) the file. One that cannot be opened (a corrupt first page: SQLITE_NOTADB; a
   * directory we may not write in) returns its storage code, never the driver's error (its text can
   * carry a path or SQL): `openDatabase`, as every store of the role opens its file.
   */
  static open(file: string, options: OutcomeDesk['o']): Result<OutcomeDesk, StorageErrorCode> {
    const db = openDatabase(file, OUTCOMES_SCHEMA);
    if (!db.ok) return err(db.error);
    const desk = attempt(() => new OutcomeDesk(db.value, options));
    if (!desk.ok) db.value.close();
    return desk;
  }

  /**
   * An opened, schema-checked outcome: stored, then acknowledged. Returns whether it was taken; a
   * write that fails (disk full, read-only) takes nothing and logs the storage code only.
   */
  receive(envelope: OpenedEnvelope, body: OutcomeBody): boolean {
    const refused = this.#refusal(envelope, body);
    if (refused !== undefined) {
      this.o.rejected(refused);
      return false;
    }
    const c = body.case as NonNullable<OutcomeBody['case']>;
    const status = this.o.statusOf(envelope.from);
    const stored = attempt(() =>
      this.#insert.run({
        message_id: envelope.messageId,
        case_id: c.caseId,
        hospital_id: envelope.from,
        report_id: body.reportId,
        icd10: body.diagnosis.icd10,
        disposition: body.disposition,
        category: this.o.categoryOf(c.caseId) ?? null,
        stroke_capable: status === undefined ? null : strokeCapable(status) ? 1 : 0,
        at: this.o.clock.now(),
      }),
    );
    // Not stored, so not acknowledged: the hospital's reply outbox sends it again (as the hospital's
    // inbox does for a unit's report, inbox-commit.ts), and nothing of it is kept here meanwhile.
    if (!stored.ok) {
      this.o.logger.error('dispatch outcome not stored', { code: stored.error });
      return false;
    }
    void this.#acknowledge(envelope.from, body.reportId, envelope.messageId);
    return true;
  }

  /**
   * Whether an outcome with this envelope id is stored: the codec's replay check for outcomes. A read
   * that fails (SQLITE_CORRUPT, SQLITE_IOERR) returns its storage code: the caller counts the id as
   * seen (mount.tsx), so a possible replay is never taken.
   */
  has(messageId: string): Result<boolean, StorageErrorCode> {
    return attempt(() => this.#byMessage.get(messageId) !== undefined);
  }

  /**
   * The codec refused a copy as a replay: if we stored it, our acknowledgement was lost; send it again.
   * A read that fails sends nothing (the hospital's outbox sends the outcome again) and logs the code.
   */
  redelivered(messageId: string): boolean {
    const read = attempt(() => this.#byMessage.get(messageId) as Row | undefined);
    if (!read.ok) this.o.logger.error('dispatch outcomes not read', { code: read.error });
    const row = read.ok ? read.value : undefined;
    if (row === undefined) return false;
    void this.#acknowledge(row.hospital_id, row.report_id, messageId);
    return true;
  }

  /** Outcomes recorded since `at`, as the KPIs take them. */
  facts(at: number): OutcomeFact[] {
    return (this.#since.all(at) as Row[]).map((r) => ({
      caseId: r.case_id,
      hospitalId: r.hospital_id,
      icd10: r.icd10,
      disposition: r.disposition as Disposition,
      ...(r.category === null ? {} : { category: r.category as Category }),
      ...(r.stroke_capable === null ? {} : { strokeCapable: r.stroke_capable === 1 }),
      at: r.at,
    }));
  }

  close(): void {
    this.#db.close();
  }

  #refusal(envelope: OpenedEnvelope, body: OutcomeBody): OutcomeRefusal | undefined {
    if (envelope.fromRole !== 'hospital') return 'notAHospital';
    if (body.case === undefined) return 'noCase';
    if (body.case.dispatchId !== this.o.dispatchId) return 'misaddressed';
    return undefined;
  }

  async #acknowledge(hospitalId: string, reportId: string, of: string): Promise<void> {
    const body = encodeBody({ kind: 'ack', body: { reportId, stage: 'received', of: [of] } });
    if (!body.ok) return;
    try {
      const sealed = await this.o.codec.seal({
        kind: 'ack',
        to: hospitalId,
        body: body.value,
        stream: reportId,
        sequence: 1,
        expiresAt: this.o.clock.now() + 3600_000,
      });
      // Best effort: if it is lost the hospital's outbox sends again and we acknowledge again.
      await this.o.link.publish(topics.hospitalInbox(hospitalId), sealed.bytes);
    } catch {
      this.o.logger.warn('outcome acknowledgement not sealed', { code: 'unknown-recipient' });
    }
  }
}
