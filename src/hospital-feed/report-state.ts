import type { AnswerBody, DeclineReason } from './messages.js';
import type { Transport } from './outbox-state.js';

/** The hospital's axis of a report, as the crew sees it: only ever moves forward (by rank). */
export type HospitalStage = 'none' | 'received' | 'viewed' | 'accepted' | 'declined';
/** The report's own life, independent of delivery. */
export type Lifecycle = 'open' | 'cancelled' | 'expired' | 'handed-over';

/** What the tablet shows for a report. */
export type CrewState =
  | 'queued'
  | 'sent'
  | 'at-broker'
  | 'received'
  | 'viewed'
  | 'accepted'
  | 'declined'
  | 'expired'
  | 'cancelled'
  | 'handed-over';

export interface ReportRecord {
  readonly reportId: string;
  readonly hospitalId: string;
  readonly lifecycle: Lifecycle;
  readonly hospital: HospitalStage;
  /** Sequence of the last answer applied (answers can be revised; the later one wins). */
  readonly answerSequence: number;
  readonly declineReason?: DeclineReason;
  /** The hospital's free-text note with its decline (AnswerBody.note), for the crew to read. */
  readonly declineNote?: string;
  /** The last sequence used on this report's stream to the hospital. */
  readonly sequence: number;
  /** Transport of the report's latest envelope (the one that supersedes the others). */
  readonly latest: Transport;
  readonly latestMessageId: string;
  readonly expiresAt: number;
  readonly updatedAt: number;
}

const RANK: Readonly<Record<HospitalStage, number>> = {
  none: 0,
  received: 1,
  viewed: 2,
  accepted: 3,
  declined: 3,
};

export const crewState = (r: ReportRecord): CrewState => {
  switch (r.lifecycle) {
    case 'cancelled':
    case 'expired':
    case 'handed-over':
      return r.lifecycle;
    case 'open':
      break;
    default:
      return r.lifecycle satisfies never;
  }
  if (r.hospital !== 'none') return r.hospital;
  switch (r.latest) {
    case 'queued':
    case 'sent':
    case 'at-broker':
      return r.latest;
    // Acknowledged means received; an expired or superseded latest cannot be open (see `onTransport`).
    case 'acknowledged':
      return 'received';
    case 'expired':
      return 'expired';
    case 'superseded':
      return 'queued';
    default:
      return r.latest satisfies never;
  }
};

/** What the tablet shows for one report. */
export interface ReportView {
  readonly reportId: string;
  readonly hospitalId: string;
  readonly state: CrewState;
  readonly declineReason?: DeclineReason;
  /** The hospital's note with its decline, as written there. */
  readonly declineNote?: string;
  readonly expiresAt: number;
  readonly updatedAt: number;
  /**
   * Only on the result of a submit or update: its form key had already made this report, so nothing
   * new was stored or sent (issue 12, R4: a re-posted form is the same report, never a second one).
   */
  readonly repeated?: true;
}

export const toView = (r: ReportRecord): ReportView => ({
  reportId: r.reportId,
  hospitalId: r.hospitalId,
  state: crewState(r),
  ...(r.declineReason === undefined ? {} : { declineReason: r.declineReason }),
  ...(r.declineNote === undefined ? {} : { declineNote: r.declineNote }),
  expiresAt: r.expiresAt,
  updatedAt: r.updatedAt,
});

/** Whether the crew must be shown `next`: a report new to the tablet, or one whose view changed. */
export const isShownChange = (previous: ReportRecord | undefined, next: ReportRecord): boolean =>
  previous === undefined ||
  crewState(previous) !== crewState(next) ||
  previous.declineReason !== next.declineReason ||
  previous.declineNote !== next.declineNote;

/** A new version of a report (the report itself, an update or a cancel) sealed and about to be stored. */
export interface QueuedVersion {
  readonly kind: 'report' | 'update' | 'cancel';
  readonly reportId: string;
  readonly hospitalId: string;
  readonly messageId: string;
  readonly sequence: number;
  readonly expiresAt: number;
}

/**
 * The record of a report once a new version is queued: its transport starts again at `queued`, a
 * cancel ends its life, and what the hospital said of it so far (`current`, as it is now) is kept.
 */
export const queuedVersion = (
  current: ReportRecord | undefined,
  version: QueuedVersion,
  now: number,
): ReportRecord => ({
  reportId: version.reportId,
  hospitalId: version.hospitalId,
  lifecycle: version.kind === 'cancel' ? 'cancelled' : 'open',
  hospital: current?.hospital ?? 'none',
  answerSequence: current?.answerSequence ?? 0,
  ...(current?.declineReason === undefined ? {} : { declineReason: current.declineReason }),
  ...(current?.declineNote === undefined ? {} : { declineNote: current.declineNote }),
  sequence: version.sequence,
  latest: 'queued',
  latestMessageId: version.messageId,
  expiresAt: version.expiresAt,
  updatedAt: now,
});

export type HospitalEvent =
  | { readonly type: 'ack'; readonly stage: 'received' | 'viewed' }
  | { readonly type: 'answer'; readonly sequence: number; readonly decision: 'accept' }
  | {
      readonly type: 'answer';
      readonly sequence: number;
      readonly decision: 'decline';
      readonly reason: DeclineReason;
      readonly note?: string;
    }
  | { readonly type: 'handover' };

/** The hospital's answer as an event on its report, ordered by the envelope's stream sequence. */
export const answerEvent = (body: AnswerBody, sequence: number): HospitalEvent =>
  body.decision === 'accept'
    ? { type: 'answer', sequence, decision: 'accept' }
    : {
        type: 'answer',
        sequence,
        decision: 'decline',
        reason: body.reason,
        ...(body.note === undefined ? {} : { note: body.note }),
      };

/** Applies a message from the hospital. Acks only raise the stage; answers apply in sequence order. */
export const onHospital = (r: ReportRecord, event: HospitalEvent, now: number): ReportRecord => {
  switch (event.type) {
    case 'ack':
      return RANK[event.stage] > RANK[r.hospital] ? { ...r, hospital: event.stage, updatedAt: now } : r;
    case 'answer': {
      if (event.sequence <= r.answerSequence) return r;
      // An acceptance drops an earlier decline's reason and note; a later decline replaces both.
      const rest: ReportRecord = { ...r };
      delete (rest as { declineReason?: DeclineReason }).declineReason;
      delete (rest as { declineNote?: string }).declineNote;
      return event.decision === 'accept'
        ? { ...rest, hospital: 'accepted', answerSequence: event.sequence, updatedAt: now }
        : {
            ...rest,
            hospital: 'declined',
            declineReason: event.reason,
            ...(event.note === undefined || event.note === '' ? {} : { declineNote: event.note }),
            answerSequence: event.sequence,
            updatedAt: now,
          };
    }
    case 'handover':
      return r.lifecycle === 'handed-over'
        ? r
        : {
            ...r,
            lifecycle: 'handed-over',
            hospital: RANK[r.hospital] >= 1 ? r.hospital : 'received',
            updatedAt: now,
          };
    default:
      return event satisfies never;
  }
};

/**
 * Follows the transport of the report's latest envelope. A report whose latest envelope expired
 * without ever reaching the hospital becomes `expired`: shown to the crew, never silently dropped.
 */
export const onTransport = (
  r: ReportRecord,
  messageId: string,
  transport: Transport,
  now: number,
): ReportRecord => {
  if (messageId !== r.latestMessageId || transport === r.latest) return r;
  const next = { ...r, latest: transport, updatedAt: now };
  if (transport === 'expired' && r.lifecycle === 'open' && r.hospital === 'none')
    return { ...next, lifecycle: 'expired' };
  // An acknowledgement after the crew saw `expired` (clock skew): the hospital has it, so say so.
  if (transport === 'acknowledged')
    return {
      ...next,
      lifecycle: r.lifecycle === 'expired' ? 'open' : r.lifecycle,
      hospital: RANK[r.hospital] >= 1 ? r.hospital : 'received',
    };
  return next;
};

/** Whether the crew may still send an update or a cancel. */
export const isOpen = (r: ReportRecord): boolean => r.lifecycle === 'open';
