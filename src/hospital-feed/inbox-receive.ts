import type { AttachmentChunk } from './attachment-wire.js';
import type { AttachmentTables, ChunkOutcome } from './inbox-attachments.js';
import { REPORT_UPSERT, toReport, toRow, type ReportRow } from './inbox-schema.js';
import {
  applyIncoming,
  type BoardChange,
  type BoardReport,
  type IncomingReportMessage,
} from './inbox-state.js';
import type { Db } from './sqlite.js';
import type { ThreadTables } from './thread-sqlite.js';
import { advance, incomingEntry } from './thread-state.js';
import type { ThreadMessageBody, ThreadReadBody } from './thread-wire.js';

export interface Receipt {
  /** The message id was already stored: a QoS 1 redelivery or a replay. */
  readonly duplicate: boolean;
  readonly change: BoardChange;
  readonly report: BoardReport | undefined;
  /** Sequence for the acknowledgement on this report's stream back to the unit. */
  readonly ackSequence: number;
}

export interface IncomingRecord {
  readonly messageId: string;
  readonly unitId: string;
  /** The directory's display name of the sending unit, as it was when the message arrived. */
  readonly unitName: string;
  readonly sequence: number;
  readonly message: IncomingReportMessage;
  readonly now: number;
}

export interface IncomingChunk {
  readonly messageId: string;
  readonly unitId: string;
  readonly chunk: AttachmentChunk;
  readonly now: number;
}

export interface ChunkReceipt {
  readonly duplicate: boolean;
  readonly outcome: ChunkOutcome;
  readonly ackSequence: number;
}

export interface IncomingThreadRecord {
  readonly messageId: string;
  readonly unitId: string;
  readonly sequence: number;
  readonly message:
    | { readonly kind: 'message'; readonly body: ThreadMessageBody }
    | { readonly kind: 'message-read'; readonly body: ThreadReadBody };
  readonly now: number;
}

export type ThreadReceipt =
  | { readonly outcome: 'applied' | 'duplicate'; readonly ackSequence: number }
  | { readonly outcome: 'unknown-report' };

export interface Redelivery {
  readonly unitId: string;
  readonly reportId: string;
  readonly ackSequence: number;
}

/** What arrives from the units, each a transaction (a savepoint inside the inbox's group commit). */
export interface InboxReceiving {
  readonly receive: (m: IncomingRecord) => Receipt;
  readonly receiveThread: (m: IncomingThreadRecord) => ThreadReceipt;
  readonly receiveChunk: (m: IncomingChunk) => ChunkReceipt;
  readonly redelivered: (messageId: string) => Redelivery | undefined;
  /** Reserves the next sequence on a report's stream back to its unit (0: no such report). */
  readonly nextOut: (unitId: string, reportId: string) => number;
  /** Whether this message id is stored: the receiver's replay check. */
  readonly has: (messageId: string) => boolean;
}

/**
 * The inbox's receiving side: every message is recorded by its id and applied in one transaction,
 * before it is acknowledged, so a crash at any point leaves either nothing (the unit sends again) or
 * everything (the redelivery is a duplicate and is acknowledged again, on the report's next sequence).
 */
export const inboxReceiving = (
  db: Db,
  threads: ThreadTables,
  attachments: AttachmentTables,
): InboxReceiving => {
  const seen = db.prepare('SELECT unit_id, report_id FROM messages WHERE message_id = ?');
  const stored = (messageId: string) =>
    seen.get(messageId) as { unit_id: string; report_id: string } | undefined;
  const remember = db.prepare('INSERT INTO messages VALUES (?, ?, ?, ?, ?)');
  const get = db.prepare('SELECT * FROM reports WHERE unit_id = ? AND report_id = ?');
  const put = db.prepare(REPORT_UPSERT);
  const bump = db.prepare(
    'UPDATE reports SET out_sequence = out_sequence + 1 WHERE unit_id = ? AND report_id = ? RETURNING out_sequence',
  );
  const nextOut = (unitId: string, reportId: string): number =>
    (bump.get(unitId, reportId) as { out_sequence: number } | undefined)?.out_sequence ?? 0;
  const receive = (m: IncomingRecord): Receipt => {
    const reportId = m.message.body.reportId;
    const previous = stored(m.messageId);
    if (previous !== undefined) {
      const row = get.get(previous.unit_id, previous.report_id) as ReportRow | undefined;
      return {
        duplicate: true,
        change: 'none',
        report: row === undefined ? undefined : toReport(row),
        ackSequence: nextOut(previous.unit_id, previous.report_id),
      };
    }
    remember.run(m.messageId, m.unitId, reportId, m.sequence, m.now);
    const row = get.get(m.unitId, reportId) as ReportRow | undefined;
    const current = row === undefined ? undefined : toReport(row);
    const applied = applyIncoming(current, m.unitId, m.sequence, m.message, m.now);
    const next =
      applied.next === undefined || applied.next === current
        ? applied.next
        : { ...applied.next, unitName: m.unitName };
    if (next !== undefined && next !== current) put.run(toRow(next, row?.out_sequence ?? 0));
    return {
      duplicate: false,
      change: applied.change,
      report: next,
      ackSequence: nextOut(m.unitId, reportId),
    };
  };
  // A conversation message or read receipt from the unit: recorded by id and applied in one
  // transaction, like a report; only about a report this unit sent here (else nothing is stored).
  const receiveThread = (m: IncomingThreadRecord): ThreadReceipt => {
    const reportId = m.message.body.reportId;
    const previous = stored(m.messageId);
    if (previous !== undefined)
      return { outcome: 'duplicate', ackSequence: nextOut(previous.unit_id, previous.report_id) };
    const row = get.get(m.unitId, reportId) as ReportRow | undefined;
    if (row?.body === null || row === undefined) return { outcome: 'unknown-report' };
    remember.run(m.messageId, m.unitId, reportId, m.sequence, m.now);
    const message = m.message;
    switch (message.kind) {
      case 'message': {
        const known = threads
          .of(m.unitId, reportId)
          .some((e) => e.direction === 'in' && e.threadId === message.body.threadId);
        if (!known) threads.put(m.unitId, incomingEntry(message.body, m.now));
        break;
      }
      case 'message-read': {
        const read = new Set(message.body.read);
        for (const e of threads.of(m.unitId, reportId))
          if (e.direction === 'out' && read.has(e.threadId)) threads.put(m.unitId, advance(e, 'read', m.now));
        break;
      }
      default:
        return message satisfies never;
    }
    return { outcome: 'applied', ackSequence: nextOut(m.unitId, reportId) };
  };
  // An attachment chunk: recorded by id and stored in one transaction; the last chunk's commit
  // also holds the assembled, verified attachment (inbox-attachments.ts).
  const receiveChunk = (m: IncomingChunk): ChunkReceipt => {
    const reportId = m.chunk.header.reportId;
    const previous = stored(m.messageId);
    if (previous !== undefined)
      return {
        duplicate: true,
        outcome: { kind: 'settled' },
        ackSequence: nextOut(previous.unit_id, previous.report_id),
      };
    remember.run(m.messageId, m.unitId, reportId, m.chunk.header.index + 1, m.now);
    return {
      duplicate: false,
      outcome: attachments.store(m.unitId, m.chunk, m.now),
      ackSequence: nextOut(m.unitId, reportId),
    };
  };
  // For an envelope the codec refused as a replay of a stored message: which report it was, and
  // the next sequence for acknowledging it again.
  const redelivered = (messageId: string): Redelivery | undefined => {
    const row = stored(messageId);
    if (row === undefined) return undefined;
    return { unitId: row.unit_id, reportId: row.report_id, ackSequence: nextOut(row.unit_id, row.report_id) };
  };
  return {
    receive: db.transaction(receive),
    receiveThread: db.transaction(receiveThread),
    receiveChunk: db.transaction(receiveChunk),
    redelivered: db.transaction(redelivered),
    nextOut: db.transaction(nextOut),
    has: (messageId) => stored(messageId) !== undefined,
  };
};
