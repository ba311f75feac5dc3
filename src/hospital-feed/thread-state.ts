import type { Disposition, QuickReply, ThreadMessageBody } from './thread-wire.js';

/**
 * One message of the crew↔ER conversation about one report, as either side keeps it. Outgoing
 * messages move `sent → delivered → read` (delivered: the peer's signed `ack received` of the
 * envelope; read: the peer's `message-read`); incoming ones `unread → read` (shown to a user here).
 */
export type ThreadState = 'sent' | 'delivered' | 'read' | 'unread';

export type ThreadContent =
  { readonly type: 'text'; readonly text: string } | { readonly type: 'quick'; readonly quick: QuickReply };

export interface ThreadEntry {
  readonly reportId: string;
  /** The sender's id for the message (ThreadMessageBody.threadId): what receipts name. */
  readonly threadId: string;
  readonly direction: 'out' | 'in';
  readonly content: ThreadContent;
  /** The sender's clock (ms): the order the conversation is shown in. */
  readonly sentAt: number;
  readonly state: ThreadState;
  /** Outgoing only: the envelope's message id, which the peer's `ack received` names. */
  readonly envelopeId?: string;
  readonly updatedAt: number;
}

const RANK: Readonly<Record<ThreadState, number>> = { unread: 0, sent: 0, delivered: 1, read: 2 };

/** Receipts only move a message forward: a late `delivered` after `read` changes nothing. */
export const advance = (entry: ThreadEntry, to: 'delivered' | 'read', now: number): ThreadEntry =>
  RANK[to] > RANK[entry.state] ? { ...entry, state: to, updatedAt: now } : entry;

export const contentOf = (body: ThreadMessageBody): ThreadContent =>
  body.type === 'text' ? { type: 'text', text: body.text } : { type: 'quick', quick: body.quick };

/** The wire body of an outgoing entry. */
export const bodyOf = (entry: ThreadEntry): ThreadMessageBody => {
  const common = {
    reportId: entry.reportId,
    threadId: entry.threadId,
    sentAt: new Date(entry.sentAt).toISOString(),
  };
  return entry.content.type === 'text'
    ? { ...common, type: 'text', text: entry.content.text }
    : { ...common, type: 'quick', quick: entry.content.quick };
};

/** An incoming message as stored: unread until a user here is shown it. */
export const incomingEntry = (body: ThreadMessageBody, now: number): ThreadEntry => ({
  reportId: body.reportId,
  threadId: body.threadId,
  direction: 'in',
  content: contentOf(body),
  sentAt: Date.parse(body.sentAt),
  state: 'unread',
  updatedAt: now,
});

/** Shown in the order sent, ties by id, so both sides list a conversation alike. */
export const byTime = (a: ThreadEntry, b: ThreadEntry): number =>
  a.sentAt - b.sentAt || (a.threadId < b.threadId ? -1 : a.threadId > b.threadId ? 1 : 0);

/**
 * An outcome as stored: at the unit what the crew keeps for its configured period only (`peer` is the
 * hospital that sent it), at the hospital what the desk sent (`peer` is the unit).
 */
export interface OutcomeRecord {
  readonly reportId: string;
  readonly peer: string;
  readonly outcomeId: string;
  readonly icd10: string;
  readonly diagnosis?: string;
  readonly disposition: Disposition;
  readonly note?: string;
  readonly decidedAt: number;
  readonly receivedAt: number;
}

/**
 * A conversation's unread messages, for whoever must alert on them (the triage board's re-alert,
 * issue 16 item 3): one row per report with any, oldest unread first.
 */
export interface UnreadThread {
  readonly unitId: string;
  readonly reportId: string;
  readonly unread: number;
  /** When the oldest unread message arrived here (ms). */
  readonly since: number;
}
