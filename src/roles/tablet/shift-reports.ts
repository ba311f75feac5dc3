import { EventEmitter } from 'node:events';
import type { Clock, Result } from '../../core/index.js';
import type { AmbulanceFeed, FeedError, ReportView } from '../../hospital-feed/index.js';

/**
 * One row of the crew's list of this shift's reports (issue 12, R3). Only what the crew needs to
 * follow delivery: no patient data (the report's content stays sealed in the outbox).
 */
export interface ShiftReportRow {
  readonly reportId: string;
  /** The first block of the report id (a UUID): enough to tell the rows apart on the phone. */
  readonly shortId: string;
  readonly hospitalId: string;
  readonly state: ReportView['state'];
  readonly declineReason?: ReportView['declineReason'];
  readonly updatedAt: number;
  readonly expiresAt: number;
}

export const shortId = (reportId: string): string => reportId.split('-')[0] ?? reportId;

/**
 * The list, newest change first: every report of the outbox changed within the last shift, in its
 * live state, except those handed over (the patient is at the hospital: the tablet keeps nothing of
 * it, docs/architecture.md). An expired, cancelled or declined report stays listed for the shift, so
 * the crew sees what did not arrive whatever happened to the card session meanwhile.
 */
export const shiftRows = (views: readonly ReportView[], now: number, shiftMs: number): ShiftReportRow[] =>
  views
    .filter((v) => v.state !== 'handed-over' && v.updatedAt >= now - shiftMs)
    .sort((a, b) => b.updatedAt - a.updatedAt || a.reportId.localeCompare(b.reportId))
    .map((v) => ({
      reportId: v.reportId,
      shortId: shortId(v.reportId),
      hospitalId: v.hospitalId,
      state: v.state,
      ...(v.declineReason === undefined ? {} : { declineReason: v.declineReason }),
      updatedAt: v.updatedAt,
      expiresAt: v.expiresAt,
    }));

export interface ShiftReportsOptions {
  readonly feed: Pick<AmbulanceFeed, 'reports' | 'reportOfFormKey' | 'handOver' | 'on'>;
  readonly clock: Clock;
  /** One shift: configuration auth.sessionMaxHours. */
  readonly shiftMs: number;
}

export interface ShiftReportsEvents {
  /** A listed report changed state, or a form was re-posted: the list refreshes. */
  changed: [];
}

/**
 * The unit's reports as the durable outbox holds them, independent of any card session: a new tap,
 * a handover or a restart does not hide a report that is still on its way or that expired (R3). It
 * also answers a re-posted report form with the report that form made (R4).
 */
export class ShiftReports extends EventEmitter<ShiftReportsEvents> {
  readonly #o: ShiftReportsOptions;
  /** The report a re-posted form found, shown once on the list (in memory: a notice, not data). */
  #repeat: string | undefined;

  constructor(options: ShiftReportsOptions) {
    super();
    this.#o = options;
    options.feed.on('report', () => this.emit('changed'));
  }

  rows(): ShiftReportRow[] {
    return shiftRows(this.#o.feed.reports(), this.#o.clock.now(), this.#o.shiftMs);
  }

  /**
   * Whether this form key already made a report; if so the list says that the form was sent once
   * and shows that report's state, and the caller sends nothing.
   */
  repeated(formKey: string): ReportView | undefined {
    const view = this.#o.feed.reportOfFormKey(formKey);
    if (view !== undefined) {
      this.#repeat = view.reportId;
      this.emit('changed');
    }
    return view;
  }

  /** The report the latest re-posted form found, until a new report is sent. */
  get repeat(): string | undefined {
    return this.#repeat;
  }

  /** A new report or update went out: the notice about an earlier re-post is over. */
  sent(): void {
    if (this.#repeat === undefined) return;
    this.#repeat = undefined;
    this.emit('changed');
  }

  /** The crew handed the patient over: the session's reports leave the list (and the tablet). */
  handOver(reportIds: readonly string[]): Result<number, FeedError> {
    return this.#o.feed.handOver(reportIds);
  }
}
