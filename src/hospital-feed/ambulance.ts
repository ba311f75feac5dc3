import { EventEmitter } from 'node:events';
import type { Clock, Result } from '../core/index.js';
import { err, ok } from '../core/index.js';
import type { Logger } from '../log/index.js';
import {
  ATTACHMENT_KIND,
  chunkBodies,
  type AttachmentCategory,
  type AttachmentMediaType,
} from './attachment-wire.js';
import type { RetryPolicy } from './backoff.js';
import type { EnvelopeCodec } from './codec.js';
import { feedError, FEED_ERRORS, type FeedError } from './errors.js';
import type { FeedLink } from './feed-link.js';
import {
  MIN_RETENTION_MS,
  noCounters,
  openIncomingOrDispatch,
  type DispatchIncoming,
  type FeedCounters,
} from './incoming.js';
import {
  encodeBody,
  encodeDispatchBody,
  type CancelBody,
  type DeclineReason,
  type DispatchMessage,
  type FeedMessage,
  type ReportBody,
} from './messages.js';
import { Outbox, type Timers } from './outbox.js';
import { withPresence } from './presence.js';
import { RefusalLog } from './refusal-log.js';
import type { OutboxEntry } from './outbox-state.js';
import type { OutboxChange, OutboxStore } from './outbox-store.js';
import {
  crewState,
  isOpen,
  onHospital,
  onTransport,
  type CrewState,
  type HospitalEvent,
  type ReportRecord,
} from './report-state.js';
import { topics } from './topics.js';
import { UnitThreads, type ThreadChange } from './unit-threads.js';

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

/**
 * How long a form key is kept: longer than any shift (auth.sessionMaxHours ≤ 24), so a form re-posted
 * after a crash and a new log-in still finds its report; older keys are forgotten with the next send.
 */
export const FORM_KEY_RETENTION_MS = 25 * 3600_000;

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

/** An attachment for a report, as the tablet prepared it (re-encoded, metadata stripped, bounded). */
export interface AttachmentInput {
  readonly mediaType: AttachmentMediaType;
  readonly category: AttachmentCategory;
  readonly bytes: Uint8Array;
}

/** An attachment accepted into the outbox: its chunks' envelopes, each until acknowledged. */
export interface SentAttachment {
  readonly attachmentId: string;
  readonly reportId: string;
  readonly hospitalId: string;
  readonly messageIds: readonly string[];
}

/** What a unit sends to a dispatch centre. */
export type ToDispatch = Extract<DispatchMessage, { kind: 'milestone' }>;

export type ReportInput = Omit<ReportBody, 'reportId'>;

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

export const toView = (r: ReportRecord): ReportView => ({
  reportId: r.reportId,
  hospitalId: r.hospitalId,
  state: crewState(r),
  ...(r.declineReason === undefined ? {} : { declineReason: r.declineReason }),
  ...(r.declineNote === undefined ? {} : { declineNote: r.declineNote }),
  expiresAt: r.expiresAt,
  updatedAt: r.updatedAt,
});

/**
 * The ambulance side of the feed: reports, updates and cancels go through the durable outbox to the
 * hospital's inbox; acknowledgements and answers come back on the unit's inbox and move each report's
 * state. Submissions are serialised, so a report's stream sequence never repeats.
 */
export class AmbulanceFeed extends EventEmitter<AmbulanceFeedEvents> {
  /** The crew↔ER conversations and the outcomes that come back (issue 16, items 2 and 5). */
  readonly threads: UnitThreads;
  readonly #o: AmbulanceFeedOptions;
  readonly #outbox: Outbox;
  readonly #counters: FeedCounters;
  readonly #refusals: RefusalLog;
  readonly #reports = new Map<string, ReportRecord>();
  #queue: Promise<unknown> = Promise.resolve();
  #stopped = false;

  constructor(options: AmbulanceFeedOptions) {
    super();
    this.#o = options;
    this.#counters = options.counters ?? noCounters;
    this.#refusals = new RefusalLog(options.logger, options.timers, 'incoming envelopes refused');
    for (const r of options.store.reports()) this.#reports.set(r.reportId, r);
    this.#outbox = new Outbox({
      store: options.store,
      link: options.link,
      clock: options.clock,
      timers: options.timers,
      random: options.random,
      policy: options.policy,
      maxInFlight: options.maxInFlight,
      reportFor: (entry) => this.#followTransport(entry),
    });
    this.#outbox.on('transport', (entry) => {
      if (entry.kind === ATTACHMENT_KIND) this.emit('attachment', entry.reportId);
      else this.#record(this.#followTransport(entry));
    });
    this.#outbox.on('storage-error', (code) => this.emit('storage-error', feedError(code)));
    this.threads = new UnitThreads({
      store: options.store,
      clock: options.clock,
      newId: options.newId,
      outcomeRetentionMs: options.outcomeRetentionMs ?? DEFAULT_OUTCOME_RETENTION_MS,
      report: (reportId) => this.#reports.get(reportId),
      queue: (reportId, message, extra) => this.#serial(() => this.#queueThread(reportId, message, extra)),
      changed: (reportId) => this.emit('thread', reportId),
    });
    // A hospital that came up with its subscriptions made anew gets again what the broker took for it.
    options.link.onMessage(
      withPresence(
        'hospital',
        {
          back: (hospitalId) => this.#outbox.recipientBack(hospitalId),
          malformed: () => {
            this.#counters.rejected('presence-malformed');
            this.#refusals.refused('presence-malformed');
          },
        },
        (_topic, payload) => this.#receive(payload),
      ),
    );
  }

  /**
   * Subscribes to the unit's inbox and the hospitals' presence (renewed on every reconnect) and
   * starts sending what is stored.
   */
  async start(): Promise<void> {
    this.#outbox.start();
    for (const topic of [topics.unitInbox(this.#o.unitId), topics.allHospitalPresence]) {
      const subscribed = await this.#o.link.subscribe(topic);
      // Before the link connects the subscription is only recorded; it is made on every connect.
      if (!subscribed.ok && subscribed.error === 'refused')
        this.#o.logger.warn('feed subscription refused', { code: subscribed.error });
    }
  }

  /** Stops sending and closes the outbox database; the feed cannot be started again. */
  stop(): void {
    this.#stopped = true;
    this.#refusals.flush();
    this.#outbox.stop();
    this.#o.store.close();
  }

  /**
   * Accepted only once stored: the result is ok when the report is on disk, never before. With the
   * crew's form key, a key already used returns the report it made (`repeated`) and sends nothing.
   */
  submitReport(
    to: string,
    report: ReportInput,
    expiresAt?: number,
    formKey?: string,
  ): Promise<Result<ReportView, FeedError>> {
    const reportId = this.#o.newId();
    return this.#serial(
      () =>
        this.#repeated(formKey) ??
        this.#send(undefined, to, { kind: 'report', body: { ...report, reportId } }, expiresAt, formKey),
    );
  }

  /** A complete new version (new vitals, new ETA); it supersedes the earlier one by sequence. */
  update(
    reportId: string,
    report: ReportInput,
    expiresAt?: number,
    formKey?: string,
  ): Promise<Result<ReportView, FeedError>> {
    return this.#serial(
      () =>
        this.#repeated(formKey) ??
        this.#onOpen(reportId, (r) =>
          this.#send(r, r.hospitalId, { kind: 'update', body: { ...report, reportId } }, expiresAt, formKey),
        ),
    );
  }

  /** The report a crew form key made, read from the outbox (so it survives a restart). */
  reportOfFormKey(formKey: string): ReportView | undefined {
    const known = this.#o.store.formKey(formKey);
    return known === undefined ? undefined : this.report(known.reportId);
  }

  /**
   * The crew handed the patient over: the open reports among these are closed on the tablet (as the
   * hospital's own `handover` message does), in one durable write. Their envelopes still go out.
   */
  handOver(reportIds: readonly string[]): Result<number, FeedError> {
    const now = this.#o.clock.now();
    const changed = reportIds
      .map((id) => this.#reports.get(id))
      .filter((r): r is ReportRecord => r !== undefined && isOpen(r))
      .map((r) => onHospital(r, { type: 'handover' }, now));
    if (changed.length === 0) return ok(0);
    // The conversation may name the patient: it leaves the tablet with the rest (issue 16).
    const written = this.#o.store.write({
      reports: changed,
      dropThreads: changed.map((r) => ({ peer: r.hospitalId, reportId: r.reportId })),
    });
    if (!written.ok) {
      this.emit('storage-error', feedError(written.error));
      return err(feedError(written.error));
    }
    for (const r of changed) {
      this.#record(r);
      this.emit('thread', r.reportId);
    }
    return ok(changed.length);
  }

  #repeated(formKey: string | undefined): Promise<Result<ReportView, FeedError>> | undefined {
    if (formKey === undefined) return undefined;
    const view = this.reportOfFormKey(formKey);
    return view === undefined ? undefined : Promise.resolve(ok({ ...view, repeated: true }));
  }

  /** Diversion and other cancellations; the hospital removes the report from its board. */
  cancel(reportId: string, reason: CancelBody['reason']): Promise<Result<ReportView, FeedError>> {
    return this.#serial(() =>
      this.#onOpen(reportId, (r) =>
        this.#send(r, r.hospitalId, { kind: 'cancel', body: { reportId, reason } }, undefined, undefined),
      ),
    );
  }

  /**
   * Seals an attachment for an open report, one envelope per chunk, to the report's hospital, and
   * stores every chunk in one durable write: accepted only once all of it is on disk. The outbox
   * sends chunks in its bulk lane, after reports (docs/protocol.md, "Attachments").
   */
  sendAttachment(reportId: string, input: AttachmentInput): Promise<Result<SentAttachment, FeedError>> {
    return this.#serial(async () => {
      const r = this.#reports.get(reportId);
      if (r === undefined) return err(feedError(FEED_ERRORS.permanent.unknownReport));
      if (!isOpen(r)) return err(feedError(FEED_ERRORS.permanent.reportClosed));
      const now = this.#o.clock.now();
      const attachmentId = this.#o.newId();
      const chunks = chunkBodies(
        {
          reportId,
          attachmentId,
          mediaType: input.mediaType,
          category: input.category,
          addedAt: new Date(now).toISOString(),
        },
        input.bytes,
      );
      if (!chunks.ok) return err(feedError(FEED_ERRORS.permanent.invalidBody, ['bytes']));
      const expiresAt = now + this.#o.defaultTtlMs;
      const entries: OutboxEntry[] = [];
      for (const { header, body } of chunks.value) {
        const sealed = await this.#o.codec.seal({
          kind: ATTACHMENT_KIND,
          to: r.hospitalId,
          body,
          stream: attachmentId,
          sequence: header.index + 1,
          expiresAt,
        });
        entries.push({
          messageId: sealed.messageId,
          reportId,
          kind: ATTACHMENT_KIND,
          to: r.hospitalId,
          topic: topics.hospitalInbox(r.hospitalId),
          sequence: header.index + 1,
          createdAt: now,
          expiresAt,
          bytes: sealed.bytes,
          transport: 'queued',
          attempts: 0,
          nextAttemptAt: now,
        });
      }
      const added = this.#outbox.add(entries, [], []);
      if (!added.ok) {
        this.emit('storage-error', feedError(added.error));
        return err(feedError(added.error));
      }
      return ok({
        attachmentId,
        reportId,
        hospitalId: r.hospitalId,
        messageIds: entries.map((e) => e.messageId),
      });
    });
  }

  /** How many of these envelopes are still in the outbox (not yet acknowledged, expired or dropped). */
  unacknowledged(messageIds: readonly string[]): number {
    return messageIds.filter((id) => this.#outbox.get(id) !== undefined).length;
  }

  reports(): readonly ReportView[] {
    return [...this.#reports.values()].map(toView);
  }

  report(reportId: string): ReportView | undefined {
    const r = this.#reports.get(reportId);
    return r === undefined ? undefined : toView(r);
  }

  /** Envelopes still in the outbox (for health pages and tests). */
  get pending(): number {
    return this.#outbox.entries().length;
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #onOpen(
    reportId: string,
    fn: (r: ReportRecord) => Promise<Result<ReportView, FeedError>>,
  ): Promise<Result<ReportView, FeedError>> {
    const r = this.#reports.get(reportId);
    if (r === undefined) return err(feedError(FEED_ERRORS.permanent.unknownReport));
    if (!isOpen(r)) return err(feedError(FEED_ERRORS.permanent.reportClosed));
    return fn(r);
  }

  async #send(
    previous: ReportRecord | undefined,
    to: string,
    message: FeedMessage,
    expiresAt: number | undefined,
    formKey: string | undefined,
  ): Promise<Result<ReportView, FeedError>> {
    const now = this.#o.clock.now();
    const expiry = expiresAt ?? now + this.#o.defaultTtlMs;
    if (expiry <= now) return err(feedError(FEED_ERRORS.permanent.alreadyExpired));
    const body = encodeBody(message);
    if (!body.ok) return err(feedError(FEED_ERRORS.permanent.invalidBody, body.error.paths));
    const sequence = (previous?.sequence ?? 0) + 1;
    const sealed = await this.#o.codec.seal({
      kind: message.kind,
      to,
      body: body.value,
      stream: message.body.reportId,
      sequence,
      expiresAt: expiry,
    });
    const entry: OutboxEntry = {
      messageId: sealed.messageId,
      reportId: message.body.reportId,
      kind: message.kind,
      to,
      topic: topics.hospitalInbox(to),
      sequence,
      createdAt: now,
      expiresAt: expiry,
      bytes: sealed.bytes,
      transport: 'queued',
      attempts: 0,
      nextAttemptAt: now,
    };
    // The hospital's side may have moved while we sealed (an answer applied meanwhile): build on
    // the report as it is now, or that answer would be overwritten and, its id stored, never resent.
    const current = previous === undefined ? undefined : (this.#reports.get(previous.reportId) ?? previous);
    const record: ReportRecord = {
      reportId: entry.reportId,
      hospitalId: to,
      lifecycle: message.kind === 'cancel' ? 'cancelled' : 'open',
      hospital: current?.hospital ?? 'none',
      answerSequence: current?.answerSequence ?? 0,
      ...(current?.declineReason === undefined ? {} : { declineReason: current.declineReason }),
      ...(current?.declineNote === undefined ? {} : { declineNote: current.declineNote }),
      sequence,
      latest: 'queued',
      latestMessageId: entry.messageId,
      expiresAt: expiry,
      updatedAt: now,
    };
    // A cancelled report's attachments are no longer wanted there: their chunks stop with it.
    const chunks =
      message.kind === 'cancel'
        ? this.#outbox
            .entries()
            .filter((e) => e.reportId === entry.reportId && e.kind === ATTACHMENT_KIND)
            .map((e) => e.messageId)
        : [];
    const added = this.#outbox.add(
      [entry],
      [...(previous === undefined ? [] : [previous.latestMessageId]), ...chunks],
      [record],
      formKey === undefined
        ? {}
        : {
            formKeys: [{ key: formKey, reportId: record.reportId, at: now }],
            forgetFormKeysBefore: now - FORM_KEY_RETENTION_MS,
          },
    );
    if (!added.ok) {
      const error = feedError(added.error);
      this.#o.logger.error('report not accepted: outbox storage failed', { code: added.error });
      this.emit('storage-error', error);
      return err(error);
    }
    this.#record(record);
    return ok(toView(record));
  }

  /** A conversation message or receipt on the report's stream, stored with `extra` in one write. */
  async #queueThread(
    reportId: string,
    message: FeedMessage,
    extra: (envelopeId: string) => ThreadChange,
  ): Promise<Result<string, FeedError>> {
    const r = this.#reports.get(reportId);
    if (r === undefined) return err(feedError(FEED_ERRORS.permanent.unknownReport));
    if (!isOpen(r)) return err(feedError(FEED_ERRORS.permanent.reportClosed));
    const body = encodeBody(message);
    if (!body.ok) return err(feedError(FEED_ERRORS.permanent.invalidBody, body.error.paths));
    const now = this.#o.clock.now();
    const expiresAt = Math.max(r.expiresAt, now + this.#o.defaultTtlMs);
    const sequence = r.sequence + 1;
    const sealed = await this.#o.codec.seal({
      kind: message.kind,
      to: r.hospitalId,
      body: body.value,
      stream: reportId,
      sequence,
      expiresAt,
    });
    // Built on the report as it is now (an answer may have been applied while we sealed).
    const current = this.#reports.get(reportId) ?? r;
    const next = { ...current, sequence: Math.max(current.sequence, sequence) };
    const added = this.#outbox.add(
      [
        {
          messageId: sealed.messageId,
          reportId,
          kind: message.kind,
          to: r.hospitalId,
          topic: topics.hospitalInbox(r.hospitalId),
          sequence,
          createdAt: now,
          expiresAt,
          bytes: sealed.bytes,
          transport: 'queued',
          attempts: 0,
          nextAttemptAt: now,
        },
      ],
      [],
      [next],
      extra(sealed.messageId),
    );
    if (!added.ok) {
      this.emit('storage-error', feedError(added.error));
      return err(feedError(added.error));
    }
    this.#record(next);
    return ok(sealed.messageId);
  }

  #followTransport(entry: OutboxEntry): ReportRecord | undefined {
    const r = this.#reports.get(entry.reportId);
    return r === undefined
      ? undefined
      : onTransport(r, entry.messageId, entry.transport, this.#o.clock.now());
  }

  #record(next: ReportRecord | undefined): void {
    if (next === undefined) return;
    const previous = this.#reports.get(next.reportId);
    this.#reports.set(next.reportId, next);
    if (
      previous === undefined ||
      crewState(previous) !== crewState(next) ||
      previous.declineReason !== next.declineReason ||
      previous.declineNote !== next.declineNote
    )
      this.emit('report', toView(next));
  }

  /**
   * Seals a message to a dispatch centre and publishes it to the centre's inbox, directly (not through
   * the report outbox): ok once the broker has it. A refusal is the caller's to show and retry.
   */
  async sendToDispatch(
    dispatchId: string,
    message: ToDispatch,
    sequence: number,
    expiresAt: number,
  ): Promise<Result<void, FeedError>> {
    const body = encodeDispatchBody(message);
    if (!body.ok) return err(feedError(FEED_ERRORS.permanent.invalidBody, body.error.paths));
    let bytes: Uint8Array;
    try {
      const sealed = await this.#o.codec.seal({
        kind: message.kind,
        to: dispatchId,
        body: body.value,
        stream: message.body.caseId,
        sequence,
        expiresAt,
      });
      bytes = sealed.bytes;
    } catch {
      // No valid key for the centre in the pinned directory: it cannot be sealed, so it is not sent.
      return err(feedError(FEED_ERRORS.permanent.unknownRecipient));
    }
    const sent = await this.#o.link.publish(topics.dispatchInbox(dispatchId), bytes);
    return sent.ok ? ok(undefined) : err(feedError(FEED_ERRORS.transient.notSent));
  }

  async #receive(payload: Uint8Array): Promise<void> {
    // The codec's replay check and everything after it read the outbox database, closed by stop().
    if (this.#stopped) return;
    const opened = await openIncomingOrDispatch(
      this.#o.codec,
      payload,
      ['ack', 'answer', 'handover', 'message', 'message-read', 'outcome'],
      ['assignment'],
    );
    if (this.#stopped) return;
    if (!opened.ok) {
      if (opened.error.reason === 'replayed' && opened.error.messageId !== undefined)
        if (this.#redelivered(opened.error.messageId)) return;
      this.#counters.rejected(opened.error.reason);
      this.#refusals.refused(opened.error.reason);
      return;
    }
    if ('dispatch' in opened.value) {
      // An assignment changes no stored state and taking it twice is harmless (the tablet keeps the
      // newest), so the outbox's applied ids need not cover it.
      this.#counters.received(opened.value.dispatch.kind);
      this.emit('dispatch', opened.value);
      return;
    }
    const { envelope, message } = opened.value;
    // Receipts name envelopes, each checked against the hospital it went to; they apply nothing else.
    if (message.kind === 'ack' && message.body.stage === 'received') {
      if (this.#onReceipts(envelope.from, message.body.of)) this.#counters.received(message.kind);
      else this.#counters.rejected('unknown-report');
      return;
    }
    const r = this.#reports.get(message.body.reportId);
    // Only the hospital the report went to may move it.
    if (r === undefined || r.hospitalId !== envelope.from) {
      this.#counters.rejected('unknown-report');
      return;
    }
    // A second copy that passed the codec while the first was being opened: already applied.
    if (this.#redelivered(envelope.messageId)) return;
    this.#counters.received(message.kind);
    const now = this.#o.clock.now();
    let event: HospitalEvent | undefined;
    let extra: ThreadChange & Pick<OutboxChange, 'dropThreads'> = {};
    switch (message.kind) {
      case 'ack':
        event = { type: 'ack', stage: 'viewed' };
        break;
      case 'message':
      case 'message-read':
      case 'outcome':
        extra = this.threads.incoming(r, message, now);
        break;
      case 'answer':
        event =
          message.body.decision === 'accept'
            ? { type: 'answer', sequence: envelope.sequence, decision: 'accept' }
            : {
                type: 'answer',
                sequence: envelope.sequence,
                decision: 'decline',
                reason: message.body.reason,
                ...(message.body.note === undefined ? {} : { note: message.body.note }),
              };
        break;
      case 'handover':
        event = { type: 'handover' };
        extra = { dropThreads: [{ peer: r.hospitalId, reportId: r.reportId }] };
        break;
      case 'report':
      case 'update':
      case 'cancel':
        return;
      default:
        return message satisfies never;
    }
    // The hospital sends these through its own outbox: store, then acknowledge, so it stops sending.
    // The message id is the replay check (the codec asks the store) and is recorded in the same
    // commit as the state change: a crash leaves neither, so the hospital's resend is applied.
    const next = { ...(event === undefined ? r : onHospital(r, event, now)), sequence: r.sequence + 1 };
    const written = this.#o.store.write({
      ...extra,
      reports: [next],
      applied: [
        { messageId: envelope.messageId, reportId: r.reportId, from: envelope.from, receivedAt: now },
      ],
      forgetAppliedBefore: now - MIN_RETENTION_MS,
    });
    if (!written.ok) {
      this.emit('storage-error', feedError(written.error));
      return;
    }
    this.#record(next);
    if (event === undefined || event.type === 'handover') this.emit('thread', r.reportId);
    // Not awaited: mqtt.js reads no further packets (our PUBACK included) until this handler returns.
    void this.#acknowledge(next, envelope.messageId);
  }

  /**
   * A QoS 1 redelivery or a retry from the hospital's outbox of a message already applied: our
   * acknowledgement was lost, so acknowledge again (on the next stream sequence) and change nothing.
   */
  #redelivered(messageId: string): boolean {
    const known = this.#o.store.applied(messageId);
    if (known === undefined) return false;
    const r = this.#reports.get(known.reportId);
    if (r === undefined || r.hospitalId !== known.from) return false;
    this.#counters.duplicate();
    const next = { ...r, sequence: r.sequence + 1 };
    const written = this.#o.store.write({ reports: [next] });
    if (!written.ok) {
      // Not acknowledged: the hospital sends it again and we try again.
      this.emit('storage-error', feedError(written.error));
      return true;
    }
    this.#record(next);
    void this.#acknowledge(next, messageId);
    return true;
  }

  /**
   * The hospital's `ack received`: only the hospital an envelope went to can end it. False when it
   * names an envelope sent to someone else (nothing of it is taken then).
   */
  #onReceipts(from: string, of: readonly string[]): boolean {
    if (of.some((id) => (this.#outbox.get(id)?.to ?? from) !== from)) return false;
    for (const id of of) {
      const entry = this.#outbox.get(id);
      if (entry !== undefined) {
        this.#outbox.acknowledge(id);
        if (entry.kind === 'message') this.threads.delivered(id);
        continue;
      }
      // Acknowledged after the crew was told `expired` (clock skew): the hospital has it after all.
      const r = [...this.#reports.values()].find((x) => x.latestMessageId === id);
      if (r === undefined || r.hospitalId !== from || r.latest !== 'expired') continue;
      const next = onTransport(r, id, 'acknowledged', this.#o.clock.now());
      if (this.#o.store.write({ reports: [next] }).ok) this.#record(next);
    }
    return true;
  }

  async #acknowledge(r: ReportRecord, of: string): Promise<void> {
    const body = encodeBody({ kind: 'ack', body: { reportId: r.reportId, of: [of], stage: 'received' } });
    if (!body.ok) return;
    // An unknown recipient key (the directory changed since it was opened) rejects: a crash would
    // lose the process for an acknowledgement the sender asks for again anyway.
    const sealed = await this.#o.codec
      .seal({
        kind: 'ack',
        to: r.hospitalId,
        body: body.value,
        stream: r.reportId,
        sequence: r.sequence,
        expiresAt: this.#o.clock.now() + this.#o.defaultTtlMs,
      })
      .catch(() => undefined);
    if (sealed === undefined) {
      this.#o.logger.warn('acknowledgement not sealed: no valid key for its recipient');
      return;
    }
    // Best effort: if it is lost the hospital sends again and we acknowledge again.
    await this.#o.link.publish(topics.hospitalInbox(r.hospitalId), sealed.bytes);
  }
}
