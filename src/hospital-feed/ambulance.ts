import { EventEmitter } from 'node:events';
import type { Clock, Result } from '../core/index.js';
import type { Logger } from '../log/index.js';
import { AttachmentUpload, type AttachmentInput, type SentAttachment } from './attachment-upload.js';
import { ATTACHMENT_KIND } from './attachment-wire.js';
import type { RetryPolicy } from './backoff.js';
import type { EnvelopeCodec } from './codec.js';
import { sendToDispatch, type ToDispatch } from './dispatch-sending.js';
import { feedError, type FeedError, type StorageErrorCode } from './errors.js';
import { subscribeAll, type FeedLink } from './feed-link.js';
import { noCounters, type DispatchIncoming, type FeedCounters, type RejectReason } from './incoming.js';
import type { CancelBody } from './messages.js';
import { Outbox, type Timers } from './outbox.js';
import type { OutboxStore } from './outbox-store.js';
import { withPresence } from './presence.js';
import { RefusalLog } from './refusal-log.js';
import type { ReportView } from './report-state.js';
import { ReportSending, type ReportInput } from './report-sending.js';
import { topics } from './topics.js';
import { UnitAcks } from './unit-acks.js';
import { receiveAtUnit, type UnitIncomingPort } from './unit-incoming.js';
import { UnitReports } from './unit-reports.js';
import { UnitThreads } from './unit-threads.js';

export interface AmbulanceFeedEvents {
  /** The crew-facing state of a report changed. */
  report: [view: ReportView];
  /** The outbox could not store a change; the crew must be told (the screen shows `error.message`). */
  'storage-error': [error: FeedError];
  /** A dispatch message for the unit (an assignment); the tablet checks who sent it. */
  dispatch: [incoming: DispatchIncoming];
  /** A report's conversation changed, or an outcome came: the report id only. */
  thread: [reportId: string];
  /** A chunk of an attachment to this report moved (sent, acknowledged…): its progress changed. */
  attachment: [reportId: string];
}

export interface AmbulanceFeedOptions {
  readonly unitId: string;
  readonly codec: EnvelopeCodec;
  readonly link: FeedLink;
  readonly store: OutboxStore;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly random: () => number;
  readonly newId: () => string;
  readonly policy: RetryPolicy;
  readonly maxInFlight: number;
  /** How long a report stays worth delivering when the caller does not say. */
  readonly defaultTtlMs: number;
  readonly counters?: FeedCounters;
  readonly logger: Logger;
  /** How long the crew sees a hospital's outcome before it is deleted; default 72 hours. */
  readonly outcomeRetentionMs?: number;
}

/** Default period an outcome stays on the tablet (configuration `outcomes.retentionHours`). */
export const DEFAULT_OUTCOME_RETENTION_MS = 72 * 3600_000;

/**
 * The ambulance side of the feed: reports, updates and cancels go through the durable outbox to the
 * hospital's inbox; acknowledgements and answers come back on the unit's inbox and move each report's
 * state. Submissions are serialised, so a report's stream sequence never repeats. It composes one
 * part per job over the unit's reports (`UnitReports`): sending on a report's stream
 * (`ReportSending`), attachments (`AttachmentUpload`), the conversation (`UnitThreads`), the inbox's
 * routing by kind (`receiveAtUnit`) and the acknowledgements both ways (`UnitAcks`).
 */
export class AmbulanceFeed extends EventEmitter<AmbulanceFeedEvents> {
  /** The crew↔ER conversations and the outcomes that come back (issue 16, items 2 and 5). */
  readonly threads: UnitThreads;
  readonly #o: AmbulanceFeedOptions;
  readonly #outbox: Outbox;
  readonly #refusals: RefusalLog;
  readonly #reports: UnitReports;
  readonly #sending: ReportSending;
  readonly #attachments: AttachmentUpload;
  #queue: Promise<unknown> = Promise.resolve();
  #stopped = false;

  constructor(options: AmbulanceFeedOptions) {
    super();
    this.#o = options;
    const { store, codec, clock, logger, defaultTtlMs } = options;
    const counters = options.counters ?? noCounters;
    this.#refusals = new RefusalLog(logger, options.timers, 'incoming envelopes refused');
    const reports = new UnitReports(store.reports(), (view) => this.emit('report', view));
    this.#reports = reports;
    const outbox = new Outbox({
      store,
      link: options.link,
      clock,
      timers: options.timers,
      random: options.random,
      policy: options.policy,
      maxInFlight: options.maxInFlight,
      reportFor: (entry) => reports.followTransport(entry, clock.now()),
    });
    this.#outbox = outbox;
    outbox.on('transport', (entry) => {
      if (entry.kind === ATTACHMENT_KIND) this.emit('attachment', entry.reportId);
      else reports.record(reports.followTransport(entry, clock.now()));
    });
    const failed = (code: StorageErrorCode): FeedError => this.#failed(code);
    outbox.on('storage-error', failed);
    const threadChanged = (reportId: string) => this.emit('thread', reportId);
    // What the parts share; each takes the part of it its port names.
    const parts = { store, outbox, reports, codec, clock, logger, defaultTtlMs, failed, counters };
    const sending = new ReportSending({ ...parts, threadChanged });
    this.#sending = sending;
    this.#attachments = new AttachmentUpload({ ...parts, newId: options.newId });
    this.threads = new UnitThreads({
      store,
      clock,
      newId: options.newId,
      outcomeRetentionMs: options.outcomeRetentionMs ?? DEFAULT_OUTCOME_RETENTION_MS,
      report: (reportId) => reports.get(reportId),
      queue: (reportId, message, extra) => this.#serial(() => sending.onStream(reportId, message, extra)),
      changed: threadChanged,
    });
    const acks = new UnitAcks({ ...parts, threads: this.threads, link: options.link });
    const refuse = (reason: RejectReason): void => {
      counters.rejected(reason);
      this.#refusals.refused(reason);
    };
    const inbox: UnitIncomingPort = {
      ...parts,
      threads: this.threads,
      acks,
      refuse,
      stopped: () => this.#stopped,
      dispatch: (opened) => this.emit('dispatch', opened),
      threadChanged,
    };
    // A hospital that came up with its subscriptions made anew gets again what the broker took for it.
    options.link.onMessage(
      withPresence(
        'hospital',
        {
          back: (hospitalId) => outbox.recipientBack(hospitalId),
          malformed: () => refuse('presence-malformed'),
        },
        (_topic, payload) => receiveAtUnit(inbox, payload),
      ),
    );
  }

  /**
   * Subscribes to the unit's inbox and the hospitals' presence (renewed on every reconnect) and
   * starts sending what is stored.
   */
  async start(): Promise<void> {
    this.#outbox.start();
    await subscribeAll(this.#o.link, this.#o.logger, [
      topics.unitInbox(this.#o.unitId),
      topics.allHospitalPresence,
    ]);
  }

  /** Stops sending and closes the outbox database; the feed cannot be started again. */
  stop(): void {
    this.#stopped = true;
    this.#refusals.flush();
    this.#outbox.stop();
    this.#o.store.close();
  }

  /** A new report to hospital `to`: ok once it is on disk; a form key already used is `repeated`. */
  submitReport(
    to: string,
    report: ReportInput,
    expiresAt?: number,
    formKey?: string,
  ): Promise<Result<ReportView, FeedError>> {
    const reportId = this.#o.newId();
    return this.#serial(() => this.#sending.submit(reportId, to, report, { expiresAt, formKey }));
  }

  /** A complete new version of an open report (new vitals, new ETA). */
  update(
    reportId: string,
    report: ReportInput,
    expiresAt?: number,
    formKey?: string,
  ): Promise<Result<ReportView, FeedError>> {
    return this.#serial(() => this.#sending.update(reportId, report, { expiresAt, formKey }));
  }

  /** The report a crew form key made, read from the outbox (so it survives a restart). */
  reportOfFormKey(formKey: string): ReportView | undefined {
    return this.#sending.reportOfFormKey(formKey);
  }

  /** The crew handed the patient over: the open reports among these are closed on the tablet. */
  handOver(reportIds: readonly string[]): Result<number, FeedError> {
    return this.#sending.handOver(reportIds);
  }

  /** Diversion and other cancellations; the hospital removes the report from its board. */
  cancel(reportId: string, reason: CancelBody['reason']): Promise<Result<ReportView, FeedError>> {
    return this.#serial(() => this.#sending.cancel(reportId, reason));
  }

  /** An attachment for an open report, accepted once all its chunks are on disk. */
  sendAttachment(reportId: string, input: AttachmentInput): Promise<Result<SentAttachment, FeedError>> {
    return this.#serial(() => this.#attachments.send(reportId, input));
  }

  /** How many of these envelopes are still in the outbox (not yet acknowledged, expired or dropped). */
  unacknowledged(messageIds: readonly string[]): number {
    return this.#attachments.unacknowledged(messageIds);
  }

  reports(): readonly ReportView[] {
    return this.#reports.views();
  }

  report(reportId: string): ReportView | undefined {
    return this.#reports.view(reportId);
  }

  /** Envelopes still in the outbox (for health pages and tests). */
  get pending(): number {
    return this.#outbox.size;
  }

  /** A message to a dispatch centre, published directly: ok once the broker has it. */
  sendToDispatch(
    dispatchId: string,
    message: ToDispatch,
    sequence: number,
    expiresAt: number,
  ): Promise<Result<void, FeedError>> {
    return sendToDispatch(this.#o.codec, this.#o.link, dispatchId, message, sequence, expiresAt);
  }

  /** A store write failed: the crew is told, and the caller returns the same error. */
  #failed(code: StorageErrorCode): FeedError {
    const error = feedError(code);
    this.emit('storage-error', error);
    return error;
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
