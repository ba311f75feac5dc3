import * as v from 'valibot';
import { err, type Result } from '../../core/index.js';
import { DeclineReason, InquiryMessage, WITHDRAWAL_REASONS } from '../../dispatch/index.js';
import { attempt, openDatabase, type Db, type StorageErrorCode } from '../../hospital-feed/index.js';
import type { HospitalAnswer, IncomingInquiry } from './inquiries.js';

/** The desk's acceptance inquiries, in the hospital role's data directory (0700), the file 0600. */
export const INQUIRIES_FILE = 'inquiries.sqlite';

/**
 * What is kept: the inquiry as dispatch sent it (case id, category, acuity, age band, sex, ETA, times:
 * no name, birth date or address, `InquiryRequest` in src/dispatch/inquiry-messages.ts), the sending
 * centre, the desk's answer and whether the broker took it, and how dispatch closed it. `seq` is the
 * order of arrival (the desk lists newest first); `answer_by` is a column of its own for retention.
 */
const SCHEMA = `CREATE TABLE IF NOT EXISTS inquiries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  inquiry_id TEXT NOT NULL UNIQUE,
  dispatch_id TEXT NOT NULL,
  message TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  answer_by INTEGER NOT NULL,
  answer_kind TEXT,
  decline_reason TEXT,
  answer_sent INTEGER NOT NULL,
  closed_kind TEXT,
  withdrawal_reason TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS inquiries_answer_by ON inquiries (answer_by);`;

/** Which inquiries are kept: the latest `keep`, none whose deadline is before `before`. */
export interface InquiryRetention {
  readonly keep: number;
  readonly before: number;
}

const Int = v.pipe(v.number(), v.integer());
const Row = v.object({
  inquiry_id: v.string(),
  dispatch_id: v.string(),
  message: v.string(),
  received_at: Int,
  answer_by: Int,
  answer_kind: v.nullable(v.picklist(['accept', 'decline'])),
  decline_reason: v.nullable(DeclineReason),
  answer_sent: v.picklist([0, 1]),
  closed_kind: v.nullable(v.picklist(['confirmed', 'withdrawn'])),
  withdrawal_reason: v.nullable(v.picklist(WITHDRAWAL_REASONS)),
});
type Row = v.InferOutput<typeof Row>;

const messageOf = (text: string): InquiryMessage | undefined => {
  try {
    const parsed = v.safeParse(InquiryMessage, JSON.parse(text));
    return parsed.success ? parsed.output : undefined;
  } catch {
    return undefined;
  }
};

const answerOf = (r: Row): HospitalAnswer | undefined | false => {
  switch (r.answer_kind) {
    case null:
      return r.decline_reason === null && r.answer_sent === 0 ? undefined : false;
    case 'accept':
      return r.decline_reason === null ? { kind: 'accept' } : false;
    case 'decline':
      return r.decline_reason === null ? false : { kind: 'decline', reason: r.decline_reason };
    default:
      return r.answer_kind satisfies never;
  }
};

const closedOf = (r: Row): IncomingInquiry['closed'] | false => {
  switch (r.closed_kind) {
    case null:
      return r.withdrawal_reason === null ? undefined : false;
    case 'confirmed':
      return r.withdrawal_reason === null ? { kind: 'confirmed' } : false;
    case 'withdrawn':
      return r.withdrawal_reason === null ? false : { kind: 'withdrawn', reason: r.withdrawal_reason };
    default:
      return r.closed_kind satisfies never;
  }
};

/**
 * A row back as an inquiry, or undefined when it does not hold together (a message that is not an
 * inquiry, or not the one the row is keyed by; an answer or closing half written): such a row is
 * left out rather than shown, or answered, as something it is not.
 */
const inquiryOf = (raw: unknown): IncomingInquiry | undefined => {
  const parsed = v.safeParse(Row, raw);
  if (!parsed.success) return undefined;
  const r = parsed.output;
  const message = messageOf(r.message);
  const answer = answerOf(r);
  const closed = closedOf(r);
  if (
    message?.inquiryId !== r.inquiry_id ||
    message.answerBy !== r.answer_by ||
    answer === false ||
    closed === false
  )
    return undefined;
  return {
    message,
    dispatchId: r.dispatch_id,
    receivedAt: r.received_at,
    ...(answer === undefined ? {} : { answer }),
    answerSent: r.answer_sent === 1,
    ...(closed === undefined ? {} : { closed }),
  };
};

const rowOf = (q: IncomingInquiry): Row => ({
  inquiry_id: q.message.inquiryId,
  dispatch_id: q.dispatchId,
  message: JSON.stringify(q.message),
  received_at: q.receivedAt,
  answer_by: q.message.answerBy,
  answer_kind: q.answer?.kind ?? null,
  decline_reason: q.answer?.kind === 'decline' ? q.answer.reason : null,
  answer_sent: q.answerSent ? 1 : 0,
  closed_kind: q.closed?.kind ?? null,
  withdrawal_reason: q.closed?.kind === 'withdrawn' ? q.closed.reason : null,
});

export interface LoadedInquiries {
  /** Oldest first (order of arrival). */
  readonly inquiries: readonly IncomingInquiry[];
  /** Rows left out because they do not read back as an inquiry (counted for the log, never shown). */
  readonly unreadable: number;
}

/**
 * The hospital's acceptance inquiries in SQLite, opened as the feed's stores are (`openDatabase`:
 * WAL, synchronous FULL, 0600), so an inquiry the desk was shown, an answer it gave and a closing
 * from dispatch survive a kill -9. Every call returns a coded result (storage-full, read-only,
 * failed) instead of throwing; the desk decides what that means (inquiries.ts).
 */
export class SqliteInquiryStore {
  readonly #db: Db;
  readonly #all: () => unknown[];
  readonly #upsert: (row: Row) => void;
  readonly #prune: (r: InquiryRetention) => number;

  private constructor(db: Db) {
    this.#db = db;
    // Forgotten inquiries are overwritten in the file, not only unlinked (category, acuity, age band).
    db.pragma('secure_delete = ON');
    const all = db.prepare('SELECT * FROM inquiries ORDER BY seq');
    this.#all = () => all.all();
    // An inquiry keeps its place (seq) when its answer or closing is written.
    const upsert = db.prepare(
      `INSERT INTO inquiries (inquiry_id, dispatch_id, message, received_at, answer_by, answer_kind,
         decline_reason, answer_sent, closed_kind, withdrawal_reason)
       VALUES (@inquiry_id, @dispatch_id, @message, @received_at, @answer_by, @answer_kind,
         @decline_reason, @answer_sent, @closed_kind, @withdrawal_reason)
       ON CONFLICT (inquiry_id) DO UPDATE SET dispatch_id = excluded.dispatch_id,
         message = excluded.message, received_at = excluded.received_at, answer_by = excluded.answer_by,
         answer_kind = excluded.answer_kind, decline_reason = excluded.decline_reason,
         answer_sent = excluded.answer_sent, closed_kind = excluded.closed_kind,
         withdrawal_reason = excluded.withdrawal_reason`,
    );
    this.#upsert = (row) => void upsert.run(row);
    const old = db.prepare('DELETE FROM inquiries WHERE answer_by < ?');
    const beyond = db.prepare(
      'DELETE FROM inquiries WHERE seq <= (SELECT seq FROM inquiries ORDER BY seq DESC LIMIT 1 OFFSET ?)',
    );
    this.#prune = (r) => old.run(r.before).changes + beyond.run(r.keep).changes;
  }

  static open(file: string): Result<SqliteInquiryStore, StorageErrorCode> {
    const db = openDatabase(file, SCHEMA);
    if (!db.ok) return err(db.error);
    const store = attempt(() => new SqliteInquiryStore(db.value));
    if (!store.ok) db.value.close();
    return store;
  }

  /** Forgets what is past retention (unreadable rows included), then reads back what is left. */
  load(retention: InquiryRetention): Result<LoadedInquiries, StorageErrorCode> {
    return attempt(() => {
      this.#pruned(retention);
      const rows = this.#all();
      const inquiries = rows.flatMap((row) => inquiryOf(row) ?? []);
      return { inquiries, unreadable: rows.length - inquiries.length };
    });
  }

  /** Writes one inquiry (new or changed) and forgets what is past retention, in one commit. */
  save(inquiry: IncomingInquiry, retention: InquiryRetention): Result<void, StorageErrorCode> {
    return attempt(() => this.#pruned(retention, inquiry));
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }

  /**
   * With `secure_delete` the deleted rows are zeroed in the database file, but the pages that carried
   * them stay in the `-wal` until it wraps: a TRUNCATE checkpoint empties it (as the inbox's purge).
   */
  #pruned(retention: InquiryRetention, inquiry?: IncomingInquiry): void {
    const pruned = this.#db.transaction(() => {
      if (inquiry !== undefined) this.#upsert(rowOf(inquiry));
      return this.#prune(retention);
    })();
    if (pruned > 0) this.#db.pragma('wal_checkpoint(TRUNCATE)');
  }
}

/** The same retention over the desk's memory (oldest first), so what it shows is what the file keeps. */
export const retained = (
  inquiries: readonly IncomingInquiry[],
  r: InquiryRetention,
): readonly IncomingInquiry[] => inquiries.filter((q) => q.message.answerBy >= r.before).slice(-r.keep);
