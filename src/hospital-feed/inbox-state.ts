import type { OpenedEnvelope } from './codec.js';
import type { AnswerBody, CancelBody, ReportBody } from './messages.js';

/** A report on the hospital's side, keyed by (unit, report id) so one unit cannot touch another's. */
export interface BoardReport {
  readonly unitId: string;
  readonly reportId: string;
  /** `cancelled` keeps a tombstone, so a late original cannot bring the report back. */
  readonly status: 'active' | 'cancelled';
  /** Sequence of the last message applied. */
  readonly sequence: number;
  /** Absent when a cancel arrived before the report itself (never shown). */
  readonly body?: ReportBody;
  readonly cancelReason?: CancelBody['reason'];
  readonly viewed: boolean;
  readonly answer?: AnswerBody;
  readonly handedOver: boolean;
  readonly receivedAt: number;
  readonly updatedAt: number;
  /**
   * The key directory's display name for the unit (the envelope's proven sender) when its last
   * message arrived: what the desk is shown, never the call sign the report body claims.
   */
  readonly unitName?: string;
}

export type IncomingReportMessage =
  | { readonly kind: 'report' | 'update'; readonly body: ReportBody }
  | { readonly kind: 'cancel'; readonly body: CancelBody };

/** What the board must do; `none` for a stale or superseded message (stored, acknowledged, not shown). */
export type BoardChange = 'new' | 'updated' | 'cancelled' | 'none';

/**
 * Applies a report, update or cancel in sequence order. An update carries the whole report, so it is
 * shown even if the original never arrives; a lower sequence than what is shown changes nothing; a
 * cancel is final. The first message that shows a report is the only `new` it ever gets.
 */
export const applyIncoming = (
  current: BoardReport | undefined,
  unitId: string,
  sequence: number,
  message: IncomingReportMessage,
  now: number,
): { readonly next: BoardReport | undefined; readonly change: BoardChange } => {
  if (current !== undefined && (sequence <= current.sequence || current.status === 'cancelled'))
    return { next: current, change: 'none' };
  const base: BoardReport = current ?? {
    unitId,
    reportId: message.body.reportId,
    status: 'active',
    sequence: 0,
    viewed: false,
    handedOver: false,
    receivedAt: now,
    updatedAt: now,
  };
  switch (message.kind) {
    case 'report':
    case 'update':
      return {
        next: { ...base, sequence, body: message.body, updatedAt: now },
        change: current?.body === undefined ? 'new' : 'updated',
      };
    case 'cancel':
      return {
        next: { ...base, status: 'cancelled', sequence, cancelReason: message.body.reason, updatedAt: now },
        change: current?.body === undefined ? 'none' : 'cancelled',
      };
    default:
      return message satisfies never;
  }
};

/** Reports the triage board lists: shown, not cancelled, not handed over. */
export const isOnBoard = (r: BoardReport): boolean =>
  r.status === 'active' && r.body !== undefined && !r.handedOver;

/**
 * Reports, updates and cancels put a patient on the board: only an ambulance may send them (its
 * directory role, proven by the signature; a hospital's, dispatch's or the records service's key may
 * not), and a report speaks only for the unit that signed it.
 */
export const senderRefusal = (
  envelope: Pick<OpenedEnvelope, 'from' | 'fromRole'>,
  message: IncomingReportMessage,
): 'wrong-role' | 'wrong-unit' | undefined => {
  if (envelope.fromRole !== 'ambulance') return 'wrong-role';
  if (message.kind !== 'cancel' && message.body.crew.unitId !== envelope.from) return 'wrong-unit';
  return undefined;
};

export type BoardEvent =
  | { readonly type: 'report-new'; readonly report: BoardReport }
  | { readonly type: 'report-updated'; readonly report: BoardReport }
  | { readonly type: 'report-cancelled'; readonly report: BoardReport };

/** What a stored report, update or cancel shows on the board, if anything. */
export const boardEvent = (stored: {
  readonly change: BoardChange;
  readonly report: BoardReport | undefined;
}): BoardEvent | undefined => {
  if (stored.report === undefined) return undefined;
  switch (stored.change) {
    case 'new':
      return { type: 'report-new', report: stored.report };
    case 'updated':
      return { type: 'report-updated', report: stored.report };
    case 'cancelled':
      return { type: 'report-cancelled', report: stored.report };
    case 'none':
      return undefined;
    default:
      return stored.change satisfies never;
  }
};
