import {
  assemble,
  sameManifest,
  type AssemblyProblem,
  type AttachmentCategory,
  type AttachmentChunk,
  type AttachmentMediaType,
  type ChunkHeader,
} from './attachment-wire.js';
import { bufferView } from './buffer-view.js';
import type { Db } from './sqlite.js';

/**
 * The hospital inbox's attachment tables, in the inbox's own database: a chunk is stored in the same
 * commit as its message id (the replay check), and the last chunk's commit also holds the assembled,
 * verified attachment, so a crash leaves either the chunk and its id or neither.
 */
export const ATTACHMENT_SCHEMA = `
CREATE TABLE IF NOT EXISTS attachment_chunks (
  unit_id TEXT NOT NULL,
  attachment_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  header TEXT NOT NULL,
  data BLOB NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (unit_id, attachment_id, idx)
) STRICT;
CREATE TABLE IF NOT EXISTS attachments (
  unit_id TEXT NOT NULL,
  report_id TEXT NOT NULL,
  attachment_id TEXT NOT NULL,
  status TEXT NOT NULL,
  refusal TEXT,
  media_type TEXT NOT NULL,
  category TEXT NOT NULL,
  added_at TEXT NOT NULL,
  size INTEGER NOT NULL,
  digest TEXT NOT NULL,
  data BLOB,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (unit_id, attachment_id)
) STRICT;
CREATE INDEX IF NOT EXISTS attachments_of_report ON attachments (unit_id, report_id);
`;

/** An attachment as the desk sees it: `refused` ones are listed (never shown as an image). */
export interface StoredAttachment {
  readonly unitId: string;
  readonly reportId: string;
  readonly attachmentId: string;
  readonly status: 'complete' | 'refused';
  readonly refusal?: AssemblyProblem;
  readonly mediaType: AttachmentMediaType;
  readonly category: AttachmentCategory;
  readonly addedAt: string;
  readonly size: number;
  /** The digest every chunk carried (base64url SHA-256, bound to report and attachment id). */
  readonly digest: string;
  readonly receivedAt: number;
}

/** What one chunk did: `complete` and `refused` happen once per attachment, on its last chunk. */
export type ChunkOutcome =
  | { readonly kind: 'stored'; readonly have: number; readonly count: number }
  | { readonly kind: 'complete'; readonly attachment: StoredAttachment }
  | { readonly kind: 'refused'; readonly attachment: StoredAttachment }
  /** The attachment was already complete or refused: nothing changes. */
  | { readonly kind: 'settled' };

interface AttachmentRow {
  unit_id: string;
  report_id: string;
  attachment_id: string;
  status: string;
  refusal: string | null;
  media_type: string;
  category: string;
  added_at: string;
  size: number;
  digest: string;
  received_at: number;
}

// Rows are only written by this module from validated headers, so reading them back is a cast.
const toAttachment = (r: AttachmentRow): StoredAttachment => ({
  unitId: r.unit_id,
  reportId: r.report_id,
  attachmentId: r.attachment_id,
  status: r.status as StoredAttachment['status'],
  ...(r.refusal === null ? {} : { refusal: r.refusal as AssemblyProblem }),
  mediaType: r.media_type as AttachmentMediaType,
  category: r.category as AttachmentCategory,
  addedAt: r.added_at,
  size: r.size,
  digest: r.digest,
  receivedAt: r.received_at,
});

const COLUMNS =
  'unit_id, report_id, attachment_id, status, refusal, media_type, category, added_at, size, digest, received_at';

export interface AttachmentTables {
  /** Inside the caller's transaction: stores one chunk and, with the last one, the attachment. */
  store(unitId: string, chunk: AttachmentChunk, now: number): ChunkOutcome;
  list(unitId: string, reportId: string): readonly StoredAttachment[];
  data(unitId: string, attachmentId: string): { attachment: StoredAttachment; data: Uint8Array } | undefined;
  /** Inside the caller's transaction: drops attachments of reports no longer kept, and stale chunks. */
  purge(before: number): void;
}

export const attachmentTables = (db: Db): AttachmentTables => {
  const settled = db.prepare(`SELECT ${COLUMNS} FROM attachments WHERE unit_id = ? AND attachment_id = ?`);
  const firstHeader = db.prepare(
    'SELECT header FROM attachment_chunks WHERE unit_id = ? AND attachment_id = ? LIMIT 1',
  );
  const putChunk = db.prepare('INSERT OR IGNORE INTO attachment_chunks VALUES (?, ?, ?, ?, ?, ?)');
  // How many chunks of the attachment are stored, and whether this index is one of them.
  const storedChunks = db.prepare(
    `SELECT count(*) AS n, coalesce(max(idx = ?), 0) AS mine FROM attachment_chunks
       WHERE unit_id = ? AND attachment_id = ?`,
  );
  const allChunks = db.prepare(
    'SELECT header, data FROM attachment_chunks WHERE unit_id = ? AND attachment_id = ? ORDER BY idx',
  );
  const dropChunks = db.prepare('DELETE FROM attachment_chunks WHERE unit_id = ? AND attachment_id = ?');
  const putAttachment = db.prepare(
    `INSERT INTO attachments (${COLUMNS}, data) VALUES (@unit_id, @report_id, @attachment_id, @status,
       @refusal, @media_type, @category, @added_at, @size, @digest, @received_at, @data)`,
  );
  const listOf = db.prepare(
    `SELECT ${COLUMNS} FROM attachments WHERE unit_id = ? AND report_id = ? ORDER BY added_at, received_at`,
  );
  const dataOf = db.prepare(
    `SELECT ${COLUMNS}, data FROM attachments WHERE unit_id = ? AND attachment_id = ? AND status = 'complete'`,
  );
  const purgeAttachments = db.prepare(
    `DELETE FROM attachments WHERE received_at < ? AND NOT EXISTS (SELECT 1 FROM reports r
       WHERE r.unit_id = attachments.unit_id AND r.report_id = attachments.report_id)`,
  );
  const purgeChunks = db.prepare('DELETE FROM attachment_chunks WHERE received_at < ?');

  const settle = (
    unitId: string,
    h: ChunkHeader,
    now: number,
    outcome: { ok: true; value: Uint8Array } | { ok: false; error: AssemblyProblem },
  ): StoredAttachment => {
    dropChunks.run(unitId, h.attachmentId);
    const row: AttachmentRow & { data: Buffer | null } = {
      unit_id: unitId,
      report_id: h.reportId,
      attachment_id: h.attachmentId,
      status: outcome.ok ? 'complete' : 'refused',
      refusal: outcome.ok ? null : outcome.error,
      media_type: h.mediaType,
      category: h.category,
      added_at: h.addedAt,
      size: h.size,
      digest: h.digest,
      received_at: now,
      data: outcome.ok ? bufferView(outcome.value) : null,
    };
    putAttachment.run(row);
    return toAttachment(row);
  };

  return {
    store: (unitId, chunk, now) => {
      const h = chunk.header;
      if (settled.get(unitId, h.attachmentId) !== undefined) return { kind: 'settled' };
      const first = firstHeader.get(unitId, h.attachmentId) as { header: string } | undefined;
      // A chunk claiming another manifest than its siblings: the attachment cannot be trusted whole.
      if (first !== undefined && !sameManifest(JSON.parse(first.header) as ChunkHeader, h))
        return {
          kind: 'refused',
          attachment: settle(unitId, h, now, { ok: false, error: 'manifest-mismatch' }),
        };
      const { n, mine } = storedChunks.get(h.index, unitId, h.attachmentId) as { n: number; mine: number };
      // The same index again under another message id: the one stored stands.
      if (mine === 1) return { kind: 'stored', have: n, count: h.count };
      if (n + 1 < h.count) {
        putChunk.run(unitId, h.attachmentId, h.index, JSON.stringify(h), bufferView(chunk.data), now);
        return { kind: 'stored', have: n + 1, count: h.count };
      }
      // The last one: assembled with the chunk in hand, which is never stored as a chunk (a photo in
      // one chunk, as most are, is written once: as the attachment).
      const chunks = (allChunks.all(unitId, h.attachmentId) as { header: string; data: Buffer }[]).map(
        (c): AttachmentChunk => ({ header: JSON.parse(c.header) as ChunkHeader, data: c.data }),
      );
      const whole = assemble([...chunks, chunk]);
      const attachment = settle(unitId, h, now, whole);
      return whole.ok ? { kind: 'complete', attachment } : { kind: 'refused', attachment };
    },
    list: (unitId, reportId) => (listOf.all(unitId, reportId) as AttachmentRow[]).map(toAttachment),
    data: (unitId, attachmentId) => {
      const row = dataOf.get(unitId, attachmentId) as (AttachmentRow & { data: Buffer }) | undefined;
      return row === undefined
        ? undefined
        : { attachment: toAttachment(row), data: new Uint8Array(row.data) };
    },
    purge: (before) => {
      purgeAttachments.run(before);
      purgeChunks.run(before);
    },
  };
};
