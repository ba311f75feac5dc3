import { ackWaitDelay, retryDelay, type RetryPolicy } from './backoff.js';
import { ATTACHMENT_KIND, type AttachmentKind } from './attachment-wire.js';
import type { MessageKind } from './messages.js';

/**
 * Transport axis of one outgoing envelope. The hospital's side (received, viewed, answered) lives on
 * a separate axis in `report-state.ts`, as the Medplum agent keeps message state and acknowledgement
 * state apart: a PUBACK moves this axis only, an acknowledgement ends it.
 */
export type Transport =
  /** On disk, waiting for its next attempt (`nextAttemptAt`). */
  | 'queued'
  /** Handed to the client; no PUBACK yet. After a restart it is queued again. */
  | 'sent'
  /** PUBACK seen: at the broker, not yet acknowledged. Published again after the ack wait. */
  | 'at-broker'
  /** The recipient's signed acknowledgement arrived: it leaves the outbox. */
  | 'acknowledged'
  /** Past its expiry without an acknowledgement: no longer sent, shown to the crew. */
  | 'expired'
  /** A newer message of the same report (a complete update, or a cancel) replaced it. */
  | 'superseded';

export const TERMINAL: ReadonlySet<Transport> = new Set(['acknowledged', 'expired', 'superseded']);
export const isTerminal = (t: Transport): boolean => TERMINAL.has(t);

/** One envelope in the outbox: the sealed bytes are sent unchanged on every attempt (same message id). */
export interface OutboxEntry {
  readonly messageId: string;
  readonly reportId: string;
  readonly kind: MessageKind | AttachmentKind;
  readonly to: string;
  readonly topic: string;
  readonly sequence: number;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly bytes: Uint8Array;
  readonly transport: Transport;
  readonly attempts: number;
  readonly nextAttemptAt: number;
}

export type TransportEvent =
  | { readonly type: 'publish-started' }
  | { readonly type: 'puback' }
  /** Any publish error, a timeout or the link going down: "not sent" (field notes). */
  | { readonly type: 'publish-failed' }
  | { readonly type: 'acknowledged' }
  | { readonly type: 'superseded' }
  /** The process restarted: whatever was in flight is not known to have arrived. */
  | { readonly type: 'recovered' }
  /**
   * The recipient (re)made its subscriptions (its presence epoch changed), or the broker lost our own
   * session: a publish the broker took before may have been dropped for want of a subscriber.
   */
  | { readonly type: 'recipient-back' }
  /** The clock passed the expiry. */
  | { readonly type: 'tick' };

export interface TransitionContext {
  readonly now: number;
  readonly policy: RetryPolicy;
  readonly random: () => number;
}

/**
 * The transport state machine. Returns the entry unchanged when an event does not apply (a late
 * PUBACK after a timeout, anything after a terminal state), so callers can compare by reference.
 * Only an acknowledgement may end an entry that expired meanwhile: the hospital did receive it.
 */
export const transition = (
  entry: OutboxEntry,
  event: TransportEvent,
  ctx: TransitionContext,
): OutboxEntry => {
  if (event.type === 'acknowledged')
    return entry.transport === 'acknowledged' || entry.transport === 'superseded'
      ? entry
      : { ...entry, transport: 'acknowledged' };
  if (isTerminal(entry.transport)) return entry;
  if (ctx.now >= entry.expiresAt) return { ...entry, transport: 'expired' };
  switch (event.type) {
    case 'publish-started':
      return entry.transport === 'sent'
        ? entry
        : { ...entry, transport: 'sent', attempts: entry.attempts + 1 };
    case 'puback':
      return entry.transport !== 'sent'
        ? entry
        : {
            ...entry,
            transport: 'at-broker',
            nextAttemptAt: ctx.now + ackWaitDelay(entry.attempts, ctx.policy),
          };
    case 'publish-failed':
    case 'recovered':
      return entry.transport !== 'sent'
        ? entry
        : {
            ...entry,
            transport: 'queued',
            nextAttemptAt: ctx.now + retryDelay(entry.attempts, ctx.policy, ctx.random),
          };
    case 'recipient-back':
      // Due now instead of after the acknowledgement wait; `attempts` keeps the wait's backoff.
      return entry.transport !== 'at-broker' || entry.nextAttemptAt <= ctx.now
        ? entry
        : { ...entry, nextAttemptAt: ctx.now };
    case 'superseded':
      return { ...entry, transport: 'superseded' };
    case 'tick':
      return entry;
    default:
      return event satisfies never;
  }
};

/** Whether the pump should publish this entry now. */
export const isDue = (entry: OutboxEntry, now: number): boolean =>
  (entry.transport === 'queued' || entry.transport === 'at-broker') &&
  entry.nextAttemptAt <= now &&
  now < entry.expiresAt;

/**
 * The outbox's two lanes: reports, updates, cancels and replies are `urgent`; attachment chunks are
 * `bulk`, sent only in window slots no urgent envelope wants, and never more than a few at once, so a
 * photo being uploaded never holds back a report (issue 16: reports first, attachments after).
 */
export type Lane = 'urgent' | 'bulk';
export const laneOf = (entry: Pick<OutboxEntry, 'kind'>): Lane =>
  entry.kind === ATTACHMENT_KIND ? 'bulk' : 'urgent';

/**
 * A newly sealed envelope as the outbox stores it: queued, never tried, due now. Every sender builds
 * its entries here, so a new entry is the same whoever made it.
 */
export const queuedEntry = (
  sealed: Pick<OutboxEntry, 'messageId' | 'bytes'>,
  about: Pick<OutboxEntry, 'reportId' | 'kind' | 'to' | 'topic' | 'sequence' | 'expiresAt'>,
  now: number,
): OutboxEntry => ({
  messageId: sealed.messageId,
  reportId: about.reportId,
  kind: about.kind,
  to: about.to,
  topic: about.topic,
  sequence: about.sequence,
  createdAt: now,
  expiresAt: about.expiresAt,
  bytes: sealed.bytes,
  transport: 'queued',
  attempts: 0,
  nextAttemptAt: now,
});
