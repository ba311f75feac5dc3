import Database from 'better-sqlite3';
import * as v from 'valibot';
import { privateSqliteFile, type Clock } from '../../core/index.js';
import {
  AuditInput,
  entryHash,
  GENESIS_HASH,
  checkpointMessage,
  type AuditEntry,
  type Checkpoint,
} from './entry.js';
import type { CheckpointSigner } from './signer.js';

interface EntryRow {
  seq: number;
  at: number;
  role: AuditEntry['role'];
  user_id: string | null;
  device: string;
  action: AuditEntry['action'];
  subject_kind: 'card-session' | 'patient-session' | 'report' | null;
  subject_id: string | null;
  purpose: AuditEntry['purpose'];
  reason: string | null;
  outcome: AuditEntry['outcome'];
  /** Absent when read from a file written before the column existed (read-only, never migrated). */
  assurance?: string | null;
  lookup_inputs?: string | null;
  lookup_candidates?: number | null;
  prev_hash: string;
  hash: string;
}

const toEntry = (r: EntryRow): AuditEntry => ({
  seq: r.seq,
  at: r.at,
  role: r.role,
  userId: r.user_id,
  device: r.device,
  action: r.action,
  subject:
    r.subject_kind === null || r.subject_id === null ? null : { kind: r.subject_kind, id: r.subject_id },
  purpose: r.purpose,
  reason: r.reason,
  outcome: r.outcome,
  ...(r.assurance === null || r.assurance === undefined ? {} : { assurance: r.assurance }),
  ...(r.lookup_inputs === null ||
  r.lookup_inputs === undefined ||
  r.lookup_candidates === null ||
  r.lookup_candidates === undefined
    ? {}
    : { lookup: { inputs: r.lookup_inputs, candidates: r.lookup_candidates } }),
  prevHash: r.prev_hash,
  hash: r.hash,
});

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS entries (
  seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, role TEXT, user_id TEXT, device TEXT NOT NULL,
  action TEXT NOT NULL, subject_kind TEXT, subject_id TEXT, purpose TEXT, reason TEXT,
  outcome TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL, assurance TEXT,
  lookup_inputs TEXT, lookup_candidates INTEGER
) STRICT;
CREATE TABLE IF NOT EXISTS checkpoints (
  seq INTEGER PRIMARY KEY, hash TEXT NOT NULL, at INTEGER NOT NULL, signature TEXT NOT NULL
) STRICT;
CREATE TRIGGER IF NOT EXISTS entries_no_update BEFORE UPDATE ON entries
  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS entries_no_delete BEFORE DELETE ON entries
  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS checkpoints_no_update BEFORE UPDATE ON checkpoints
  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS checkpoints_no_delete BEFORE DELETE ON checkpoints
  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
`;

/**
 * Audit files written before identity assurance (issue 13) lack its column: added once, NULL for
 * the old entries (their hashes never covered it). ALTER TABLE ADD COLUMN is not an UPDATE, so the
 * append-only triggers stay as they are.
 */
const addAssuranceColumn = (db: Database.Database): void => {
  const columns = db.prepare('SELECT name FROM pragma_table_info(?)').all('entries') as { name: string }[];
  if (!columns.some((c) => c.name === 'assurance')) db.exec('ALTER TABLE entries ADD COLUMN assurance TEXT');
  // Card-less lookups (issue 13) likewise: NULL for every entry that is not one.
  if (!columns.some((c) => c.name === 'lookup_inputs'))
    db.exec(
      'ALTER TABLE entries ADD COLUMN lookup_inputs TEXT; ALTER TABLE entries ADD COLUMN lookup_candidates INTEGER',
    );
};

/** Reads an audit file without changing it (what `audit verify` uses). */
export const readAuditFile = (
  file: string,
): { entries: AuditEntry[]; checkpoints: Checkpoint[]; device: string; publicKey: string } => {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const meta = new Map(
      (db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((r) => [
        r.key,
        r.value,
      ]),
    );
    return {
      entries: (db.prepare('SELECT * FROM entries ORDER BY seq').all() as EntryRow[]).map(toEntry),
      checkpoints: db
        .prepare('SELECT seq, hash, at, signature FROM checkpoints ORDER BY seq')
        .all() as Checkpoint[],
      device: meta.get('device') ?? '',
      publicKey: meta.get('public-key') ?? '',
    };
  } finally {
    db.close();
  }
};

/**
 * The append-only audit log of one instance (audit.db). Triggers refuse UPDATE and DELETE; the hash
 * chain and the signed checkpoints make any change made around them (a raw file edit) detectable.
 */
export class AuditLog {
  #seq: number;
  #last: string;

  private constructor(
    private readonly db: Database.Database,
    private readonly device: string,
    private readonly clock: Clock,
    private readonly signer: CheckpointSigner,
    /** A signed checkpoint every this many entries (and on close). */
    private readonly checkpointEvery: number,
  ) {
    const last = db.prepare('SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1').get() as
      { seq: number; hash: string } | undefined;
    this.#seq = last?.seq ?? 0;
    this.#last = last?.hash ?? GENESIS_HASH;
  }

  static open(options: {
    file: string;
    device: string;
    clock: Clock;
    signer: CheckpointSigner;
    checkpointEvery?: number;
  }): AuditLog {
    privateSqliteFile(options.file);
    const db = new Database(options.file);
    db.pragma('journal_mode = WAL');
    // FULL: an entry acknowledged to the caller survives power loss (the tablet's battery can die).
    db.pragma('synchronous = FULL');
    db.exec(SCHEMA);
    addAssuranceColumn(db);
    const setMeta = db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)');
    setMeta.run('device', options.device);
    setMeta.run('public-key', Buffer.from(options.signer.publicKey).toString('hex'));
    return new AuditLog(db, options.device, options.clock, options.signer, options.checkpointEvery ?? 16);
  }

  /** Appends one entry; the input is validated, so a caller cannot slip free text in. */
  record(input: AuditInput): AuditEntry {
    const parsed = v.parse(AuditInput, input);
    const seq = this.#seq + 1;
    const base = { ...parsed, seq, at: this.clock.now() };
    const entry: AuditEntry = { ...base, prevHash: this.#last, hash: entryHash(this.#last, base) };
    this.db
      .prepare(
        `INSERT INTO entries (seq, at, role, user_id, device, action, subject_kind, subject_id, purpose,
          reason, outcome, assurance, lookup_inputs, lookup_candidates, prev_hash, hash)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        entry.seq,
        entry.at,
        entry.role,
        entry.userId,
        entry.device,
        entry.action,
        entry.subject?.kind ?? null,
        entry.subject?.id ?? null,
        entry.purpose,
        entry.reason,
        entry.outcome,
        entry.assurance ?? null,
        entry.lookup?.inputs ?? null,
        entry.lookup?.candidates ?? null,
        entry.prevHash,
        entry.hash,
      );
    this.#seq = seq;
    this.#last = entry.hash;
    if (seq % this.checkpointEvery === 0) this.checkpoint();
    return entry;
  }

  /** Signs the current head, unless it is already signed. */
  checkpoint(): void {
    if (this.#seq === 0) return;
    const signature = Buffer.from(this.signer.sign(checkpointMessage(this.device, this.#seq, this.#last)));
    this.db
      .prepare('INSERT OR IGNORE INTO checkpoints (seq, hash, at, signature) VALUES (?, ?, ?, ?)')
      .run(this.#seq, this.#last, this.clock.now(), signature.toString('hex'));
  }

  /** The latest entries, newest first. */
  latest(limit: number): AuditEntry[] {
    return (this.db.prepare('SELECT * FROM entries ORDER BY seq DESC LIMIT ?').all(limit) as EntryRow[]).map(
      toEntry,
    );
  }

  close(): void {
    this.checkpoint();
    this.db.close();
  }
}
