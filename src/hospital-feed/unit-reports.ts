import { err, ok, type Result } from '../core/index.js';
import { feedError, FEED_ERRORS, type FeedError } from './errors.js';
import type { OutboxEntry } from './outbox-state.js';
import {
  isOpen,
  isShownChange,
  onTransport,
  toView,
  type ReportRecord,
  type ReportView,
} from './report-state.js';

/**
 * The unit's reports in memory, loaded from the outbox's records: every part of the ambulance feed
 * reads and moves a report here, so the crew is told of each change that shows, once.
 */
export class UnitReports {
  readonly #reports = new Map<string, ReportRecord>();
  readonly #shown: (view: ReportView) => void;

  /** `shown` hears each report whose crew-facing view changed (its state, its decline). */
  constructor(stored: Iterable<ReportRecord>, shown: (view: ReportView) => void) {
    for (const r of stored) this.#reports.set(r.reportId, r);
    this.#shown = shown;
  }

  get(reportId: string): ReportRecord | undefined {
    return this.#reports.get(reportId);
  }

  /** The report, if the crew may still send on it (an update, a cancel, a message, an attachment). */
  open(reportId: string): Result<ReportRecord, FeedError> {
    const r = this.#reports.get(reportId);
    if (r === undefined) return err(feedError(FEED_ERRORS.permanent.unknownReport));
    if (!isOpen(r)) return err(feedError(FEED_ERRORS.permanent.reportClosed));
    return ok(r);
  }

  /** The report whose latest envelope is `messageId`, if any. */
  withLatest(messageId: string): ReportRecord | undefined {
    return [...this.#reports.values()].find((r) => r.latestMessageId === messageId);
  }

  views(): readonly ReportView[] {
    return [...this.#reports.values()].map(toView);
  }

  view(reportId: string): ReportView | undefined {
    const r = this.#reports.get(reportId);
    return r === undefined ? undefined : toView(r);
  }

  /** The report's record after its envelope's transport changed, if that envelope is one of a report. */
  followTransport(entry: OutboxEntry, now: number): ReportRecord | undefined {
    const r = this.#reports.get(entry.reportId);
    return r === undefined ? undefined : onTransport(r, entry.messageId, entry.transport, now);
  }

  /** Keeps `next` (once it is stored) and tells the crew if what they see of it changed. */
  record(next: ReportRecord | undefined): void {
    if (next === undefined) return;
    const previous = this.#reports.get(next.reportId);
    this.#reports.set(next.reportId, next);
    if (isShownChange(previous, next)) this.#shown(toView(next));
  }
}
