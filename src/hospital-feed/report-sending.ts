import type { Clock, Result } from '../core/index.js';
import { err, ok } from '../core/index.js';
import type { Logger } from '../log/index.js';
import { ATTACHMENT_KIND } from './attachment-wire.js';
import type { EnvelopeCodec } from './codec.js';
import { feedError, FEED_ERRORS, type FeedError, type StorageFailure } from './errors.js';
import { encodeBody, type CancelBody, type FeedMessage, type ReportBody } from './messages.js';
import type { Outbox } from './outbox.js';
import { queuedEntry } from './outbox-state.js';
import type { OutboxStore } from './outbox-store.js';
import {
  isOpen,
  onHospital,
  queuedVersion,
  toView,
  type ReportRecord,
  type ReportView,
} from './report-state.js';
import { topics } from './topics.js';
import type { UnitReports } from './unit-reports.js';
import type { ThreadChange } from './unit-threads.js';

export type ReportInput = Omit<ReportBody, 'reportId'>;

/**
 * How long a form key is kept: longer than any shift (auth.sessionMaxHours ≤ 24), so a form re-posted
 * after a crash and a new log-in still finds its report; older keys are forgotten with the next send.
 */
export const FORM_KEY_RETENTION_MS = 25 * 3600_000;

/**
 * Until when a new version is worth delivering (default: the feed's `defaultTtlMs` from now), and the
 * crew form that made it: a form key already used makes nothing new (issue 12, R4).
 */
export interface VersionOptions {
  readonly expiresAt?: number | undefined;
  readonly formKey?: string | undefined;
}

/** A new version of a report: the report itself, a complete update, or a cancel. */
type Version = Extract<FeedMessage, { kind: 'report' | 'update' | 'cancel' }>;

/** What sending on a report's stream needs from the ambulance feed. */
export interface ReportSendingPort extends StorageFailure {
  readonly store: OutboxStore;
  readonly outbox: Outbox;
  readonly reports: UnitReports;
  readonly codec: EnvelopeCodec;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How long a report stays worth delivering when the caller does not say. */
  readonly defaultTtlMs: number;
  /** A report's conversation went (handover). */
  threadChanged(reportId: string): void;
}

/**
 * What the crew sends about a report, on the report's stream to its hospital: the report, its
 * updates, its cancel, and the conversation's messages and receipts, each sealed on the stream's next
 * sequence and accepted only once stored in the outbox. The caller runs these one at a time, so a
 * sequence never repeats. The crew's handover, which closes reports here without sending anything,
 * is the end of that stream and lives here too.
 */
export class ReportSending {
  readonly #p: ReportSendingPort;

  constructor(port: ReportSendingPort) {
    this.#p = port;
  }

  /**
   * Accepted only once stored: the result is ok when the report is on disk, never before. With the
   * crew's form key, a key already used returns the report it made (`repeated`) and sends nothing.
   */
  async submit(
    reportId: string,
    to: string,
    report: ReportInput,
    options: VersionOptions,
  ): Promise<Result<ReportView, FeedError>> {
    const repeated = this.#repeated(options.formKey);
    if (repeated !== undefined) return ok(repeated);
    return this.#send(undefined, to, { kind: 'report', body: { ...report, reportId } }, options);
  }

  /** A complete new version (new vitals, new ETA); it supersedes the earlier one by sequence. */
  async update(
    reportId: string,
    report: ReportInput,
    options: VersionOptions,
  ): Promise<Result<ReportView, FeedError>> {
    const repeated = this.#repeated(options.formKey);
    if (repeated !== undefined) return ok(repeated);
    const r = this.#p.reports.open(reportId);
    if (!r.ok) return r;
    return this.#send(
      r.value,
      r.value.hospitalId,
      { kind: 'update', body: { ...report, reportId } },
      options,
    );
  }

  /** Diversion and other cancellations; the hospital removes the report from its board. */
  async cancel(reportId: string, reason: CancelBody['reason']): Promise<Result<ReportView, FeedError>> {
    const r = this.#p.reports.open(reportId);
    if (!r.ok) return r;
    return this.#send(r.value, r.value.hospitalId, { kind: 'cancel', body: { reportId, reason } }, {});
  }

  /** The report a crew form key made, read from the outbox (so it survives a restart). */
  reportOfFormKey(formKey: string): ReportView | undefined {
    const known = this.#p.store.formKey(formKey);
    return known === undefined ? undefined : this.#p.reports.view(known.reportId);
  }

  /**
   * The crew handed the patient over: the open reports among these are closed on the tablet (as the
   * hospital's own `handover` message does), in one durable write. Their envelopes still go out.
   */
  handOver(reportIds: readonly string[]): Result<number, FeedError> {
    const now = this.#p.clock.now();
    const changed = reportIds
      .map((id) => this.#p.reports.get(id))
      .filter((r): r is ReportRecord => r !== undefined && isOpen(r))
      .map((r) => onHospital(r, { type: 'handover' }, now));
    if (changed.length === 0) return ok(0);
    // The conversation may name the patient: it leaves the tablet with the rest (issue 16).
    const written = this.#p.store.write({
      reports: changed,
      dropThreads: changed.map((r) => ({ peer: r.hospitalId, reportId: r.reportId })),
    });
    if (!written.ok) return err(this.#p.failed(written.error));
    for (const r of changed) {
      this.#p.reports.record(r);
      this.#p.threadChanged(r.reportId);
    }
    return ok(changed.length);
  }

  /** A conversation message or receipt on the report's stream, stored with `extra` in one write. */
  async onStream(
    reportId: string,
    message: FeedMessage,
    extra: (envelopeId: string) => ThreadChange,
  ): Promise<Result<string, FeedError>> {
    const open = this.#p.reports.open(reportId);
    if (!open.ok) return open;
    const r = open.value;
    const body = encodeBody(message);
    if (!body.ok) return err(feedError(FEED_ERRORS.permanent.invalidBody, body.error.paths));
    const now = this.#p.clock.now();
    const expiresAt = Math.max(r.expiresAt, now + this.#p.defaultTtlMs);
    const sequence = r.sequence + 1;
    const sealed = await this.#p.codec.seal({
      kind: message.kind,
      to: r.hospitalId,
      body: body.value,
      stream: reportId,
      sequence,
      expiresAt,
    });
    // Built on the report as it is now (an answer may have been applied while we sealed).
    const current = this.#p.reports.get(reportId) ?? r;
    const next = { ...current, sequence: Math.max(current.sequence, sequence) };
    const topic = topics.hospitalInbox(r.hospitalId);
    const entry = queuedEntry(
      sealed,
      { reportId, kind: message.kind, to: r.hospitalId, topic, sequence, expiresAt },
      now,
    );
    const added = this.#p.outbox.add([entry], [], [next], extra(sealed.messageId));
    if (!added.ok) return err(this.#p.failed(added.error));
    this.#p.reports.record(next);
    return ok(sealed.messageId);
  }

  #repeated(formKey: string | undefined): ReportView | undefined {
    if (formKey === undefined) return undefined;
    const view = this.reportOfFormKey(formKey);
    return view === undefined ? undefined : { ...view, repeated: true };
  }

  async #send(
    previous: ReportRecord | undefined,
    to: string,
    message: Version,
    { expiresAt, formKey }: VersionOptions,
  ): Promise<Result<ReportView, FeedError>> {
    const now = this.#p.clock.now();
    const expiry = expiresAt ?? now + this.#p.defaultTtlMs;
    if (expiry <= now) return err(feedError(FEED_ERRORS.permanent.alreadyExpired));
    const body = encodeBody(message);
    if (!body.ok) return err(feedError(FEED_ERRORS.permanent.invalidBody, body.error.paths));
    const reportId = message.body.reportId;
    const sequence = (previous?.sequence ?? 0) + 1;
    const sealed = await this.#p.codec.seal({
      kind: message.kind,
      to,
      body: body.value,
      stream: reportId,
      sequence,
      expiresAt: expiry,
    });
    const entry = queuedEntry(
      sealed,
      { reportId, kind: message.kind, to, topic: topics.hospitalInbox(to), sequence, expiresAt: expiry },
      now,
    );
    // The hospital's side may have moved while we sealed (an answer applied meanwhile): build on
    // the report as it is now, or that answer would be overwritten and, its id stored, never resent.
    const current = previous === undefined ? undefined : (this.#p.reports.get(reportId) ?? previous);
    const record = queuedVersion(
      current,
      {
        kind: message.kind,
        reportId,
        hospitalId: to,
        messageId: sealed.messageId,
        sequence,
        expiresAt: expiry,
      },
      now,
    );
    // A cancelled report's attachments are no longer wanted there: their chunks stop with it.
    const chunks =
      message.kind === 'cancel'
        ? this.#p.outbox
            .entries()
            .filter((e) => e.reportId === reportId && e.kind === ATTACHMENT_KIND)
            .map((e) => e.messageId)
        : [];
    const added = this.#p.outbox.add(
      [entry],
      [...(previous === undefined ? [] : [previous.latestMessageId]), ...chunks],
      [record],
      formKey === undefined
        ? {}
        : {
            formKeys: [{ key: formKey, reportId, at: now }],
            forgetFormKeysBefore: now - FORM_KEY_RETENTION_MS,
          },
    );
    if (!added.ok) {
      this.#p.logger.error('report not accepted: outbox storage failed', { code: added.error });
      return err(this.#p.failed(added.error));
    }
    this.#p.reports.record(record);
    return ok(toView(record));
  }
}
