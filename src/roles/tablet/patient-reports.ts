import { ok, type Result } from '../../core/index.js';
import type { AmbulanceFeed, ReportInput, ReportView } from '../../hospital-feed/index.js';
import type { ActionResult, PatientRoster, SessionPurge } from './patient-roster.js';
import { latestReport, NOTICES, openReport, type Notice } from './state.js';

export type ReportFeed = Pick<AmbulanceFeed, 'submitReport' | 'update' | 'cancel' | 'report' | 'on'>;

export interface PatientReportsOptions {
  readonly roster: PatientRoster;
  readonly feed: ReportFeed;
  readonly cache: SessionPurge;
  /** A report of one of the tablet's patients changed state. */
  readonly changed: () => void;
}

/** The report a send made, or (`repeated`) the one its form key had already made: nothing was sent. */
export interface SentReportId {
  readonly reportId: string;
  readonly repeated: boolean;
}

/**
 * Each patient's pre-arrival reports through the hospital feed, from any phase, with or without a
 * summary: send (or update the open one), divert, cancel. Report states land on the session that sent
 * them, and the hospital's handover purges that patient's cached records.
 */
export class PatientReports {
  readonly #o: PatientReportsOptions;
  /** Subjects of reports still open, so a handover from the hospital purges the right session. */
  readonly #subjectOfReport = new Map<string, string>();

  constructor(options: PatientReportsOptions) {
    this.#o = options;
    options.feed.on('report', (view) => this.#onReport(view));
  }

  view(reportId: string): ReportView | undefined {
    return this.#o.feed.report(reportId);
  }

  /**
   * Sends the report to `hospitalId`, or an update when the latest report is still open there. A form
   * key already used (a re-post racing the first) returns its report and changes nothing here.
   */
  async send(
    tap: string,
    hospitalId: string,
    input: ReportInput,
    formKey?: string,
  ): Promise<Result<SentReportId, Notice>> {
    const { roster, feed } = this.#o;
    const s = roster.check(tap);
    if (!s.ok) return s;
    const open = openReport(s.value, (id) => this.view(id));
    const sent =
      open?.hospitalId === hospitalId
        ? await feed.update(open.reportId, input, undefined, formKey)
        : await feed.submitReport(hospitalId, input, undefined, formKey);
    if (!sent.ok) return roster.refuse(NOTICES.feedError);
    if (sent.value.repeated === true) return ok({ reportId: sent.value.reportId, repeated: true });
    if (s.value.subject !== undefined) this.#subjectOfReport.set(sent.value.reportId, s.value.subject);
    roster.apply(tap, { type: 'report-sent', report: { reportId: sent.value.reportId, hospitalId, input } });
    return ok({ reportId: sent.value.reportId, repeated: false });
  }

  /** Diversion: cancels the open report at the first hospital and sends the same report to another. */
  async divert(tap: string, hospitalId: string): Promise<Result<SentReportId, Notice>> {
    const roster = this.#o.roster;
    const s = roster.check(tap);
    if (!s.ok) return s;
    const latest = latestReport(s.value);
    if (latest === undefined || latest.hospitalId === hospitalId) return roster.refuse(NOTICES.notNow);
    if (openReport(s.value, (id) => this.view(id)) !== undefined) {
      const cancelled = await this.#o.feed.cancel(latest.reportId, 'diversion');
      if (!cancelled.ok) return roster.refuse(NOTICES.feedError);
    }
    return this.send(tap, hospitalId, latest.input);
  }

  /** Cancels the open report (no transport, entered in error): the hospital's board drops it. */
  async cancel(tap: string, reason: 'no-transport' | 'entered-in-error'): Promise<ActionResult> {
    const roster = this.#o.roster;
    const s = roster.check(tap);
    if (!s.ok) return s;
    const open = openReport(s.value, (id) => this.view(id));
    if (open === undefined) return roster.refuse(NOTICES.notNow);
    const cancelled = await this.#o.feed.cancel(open.reportId, reason);
    if (!cancelled.ok) return roster.refuse(NOTICES.feedError);
    this.#o.changed();
    return ok(undefined);
  }

  #onReport(view: ReportView): void {
    if (view.state === 'handed-over') {
      // The hospital confirmed the handover: whatever of this patient is still cached goes now.
      const subject = this.#subjectOfReport.get(view.reportId);
      if (subject !== undefined) this.#o.cache.purgeSession(subject);
      this.#subjectOfReport.delete(view.reportId);
    }
    if (this.#o.roster.patients.some((s) => s.reports.some((r) => r.reportId === view.reportId)))
      this.#o.changed();
  }
}
