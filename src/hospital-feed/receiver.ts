import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Clock, Result } from '../core/index.js';
import { err, ok } from '../core/index.js';
import type { Logger } from '../log/index.js';
import type { RetryPolicy } from './backoff.js';
import type { EnvelopeCodec } from './codec.js';
import { DeskReplies, type AnswerInput } from './desk-replies.js';
import { DeskThreads } from './desk-threads.js';
import { feedError, type FeedError, type StorageErrorCode } from './errors.js';
import { subscribeAll, type FeedLink } from './feed-link.js';
import { GroupCommit } from './group-commit.js';
import { HospitalAcks } from './hospital-acks.js';
import { receiveAtHospital, type HospitalIncomingPort } from './hospital-incoming.js';
import type { StoredAttachment } from './inbox-attachments.js';
import { storeIncoming } from './inbox-commit.js';
import type { SqliteInboxStore } from './inbox-sqlite.js';
import { isOnBoard, type BoardEvent, type BoardReport } from './inbox-state.js';
import {
  MIN_RETENTION_MS,
  noCounters,
  type DispatchIncoming,
  type FeedCounters,
  type RejectReason,
} from './incoming.js';
import { Outbox, type Timers } from './outbox.js';
import type { OutboxStore } from './outbox-store.js';
import { withPresence } from './presence.js';
import { RefusalLog } from './refusal-log.js';
import { topics } from './topics.js';

export interface ReceiverEvents {
  /** For the triage board: each report is `report-new` exactly once. */
  board: [event: BoardEvent];
  /** Reports past the retention limit were deleted (how many); the board should be redrawn. */
  purged: [count: number];
  'storage-error': [error: FeedError];
  /** Inquiries, withdrawals and confirmations from a dispatch centre, opened and verified. */
  dispatch: [incoming: DispatchIncoming];
  /** A report's conversation or outcome changed (a message, a receipt): ids only. */
  thread: [unitId: string, reportId: string];
  /** An attachment's last chunk arrived: it is complete and verified, or refused. Once each. */
  attachment: [attachment: StoredAttachment];
}

export interface ReceiverOptions {
  readonly hospitalId: string;
  readonly codec: EnvelopeCodec;
  readonly link: FeedLink;
  readonly inbox: SqliteInboxStore;
  /** Durable outbox for what the desk sends back (viewed, answer, handover) until the unit acknowledges. */
  readonly outboxStore: OutboxStore;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly random: () => number;
  readonly policy: RetryPolicy;
  readonly maxInFlight: number;
  /** Expiry of the envelopes the hospital sends. */
  readonly replyTtlMs: number;
  /** How long the inbox keeps a report after its last change (configuration `retentionDays`). */
  readonly retentionMs: number;
  /** How often the retention limit is applied; default hourly. */
  readonly purgeEveryMs?: number;
  readonly counters?: FeedCounters;
  readonly logger: Logger;
  /** Ids of the desk's conversation messages and outcomes; random UUIDs by default. */
  readonly newId?: () => string;
}

/**
 * The hospital side: opens and verifies every envelope on the hospital's inbox, de-duplicates by
 * message id, stores to the inbox before acknowledging, applies reports, updates and cancels in
 * sequence order, and acknowledges (signed, through the codec) on the unit's inbox. It composes one
 * part per job: the inbox's routing by kind (`receiveAtHospital`; attachment chunks `receiveChunk`),
 * the acknowledgements both ways (`HospitalAcks`), the desk's replies through the reply outbox
 * (`DeskReplies`) and the conversation (`DeskThreads`); it keeps the retention limit.
 */
export class Receiver extends EventEmitter<ReceiverEvents> {
  /** The crew↔ER conversations and the outcomes the desk sends (issue 16, items 2 and 5). */
  readonly threads: DeskThreads;
  readonly #o: ReceiverOptions;
  readonly #outbox: Outbox;
  readonly #refusals: RefusalLog;
  readonly #replies: DeskReplies;
  #purgeTimer: unknown;
  #stopped = false;

  constructor(options: ReceiverOptions) {
    super();
    this.#o = options;
    const { inbox, codec, clock, logger, replyTtlMs } = options;
    const counters = options.counters ?? noCounters;
    this.#refusals = new RefusalLog(logger, options.timers, 'incoming envelopes refused');
    const outbox = new Outbox({
      store: options.outboxStore,
      link: options.link,
      clock,
      timers: options.timers,
      random: options.random,
      policy: options.policy,
      maxInFlight: options.maxInFlight,
    });
    this.#outbox = outbox;
    const replies = new DeskReplies({ inbox, outbox, codec, clock, replyTtlMs });
    this.#replies = replies;
    this.threads = new DeskThreads({
      inbox,
      clock,
      newId: options.newId ?? randomUUID,
      queue: (to, topic, outgoing, body, sequence) => replies.queue(to, topic, outgoing, body, sequence),
      changed: (unitId, reportId) => this.emit('thread', unitId, reportId),
    });
    const failed = (code: StorageErrorCode): FeedError => this.#failed(code);
    outbox.on('storage-error', failed);
    const refuse = (reason: RejectReason): void => {
      counters.rejected(reason);
      this.#refusals.refused(reason);
    };
    const stopped = (): boolean => this.#stopped;
    // Incoming messages that arrive together are stored in one inbox commit (one fsync).
    const commit = new GroupCommit((steps) => inbox.batch(steps));
    const store = storeIncoming(commit, { stopped, failed }, logger);
    const acks = new HospitalAcks({
      inbox,
      commit,
      outbox,
      threads: this.threads,
      codec,
      link: options.link,
      clock,
      logger,
      replyTtlMs,
      counters,
      stopped,
    });
    const incoming: HospitalIncomingPort = {
      inbox,
      store,
      acks,
      codec,
      clock,
      counters,
      stopped,
      refuse,
      settled: (attachment) => this.emit('attachment', attachment),
      board: (event) => this.emit('board', event),
      dispatch: (opened) => this.emit('dispatch', opened),
      threadChanged: (unitId, reportId) => this.emit('thread', unitId, reportId),
    };
    // A unit that came up with its subscriptions made anew gets again what the broker took for it.
    options.link.onMessage(
      withPresence(
        'unit',
        { back: (unitId) => outbox.recipientBack(unitId), malformed: () => refuse('presence-malformed') },
        (_topic, payload) => receiveAtHospital(incoming, payload),
      ),
    );
  }

  async start(): Promise<void> {
    this.#outbox.start();
    this.#schedulePurge(0);
    await subscribeAll(this.#o.link, this.#o.logger, [
      topics.hospitalInbox(this.#o.hospitalId),
      topics.allUnitPresence,
    ]);
  }

  /** Stops sending and purging and closes both SQLite files; the receiver cannot be started again. */
  stop(): void {
    this.#stopped = true;
    this.#refusals.flush();
    this.#outbox.stop();
    this.#o.timers.clearTimeout(this.#purgeTimer);
    this.#o.inbox.close();
    this.#o.outboxStore.close();
  }

  /** Applies the retention limit now: deletes reports (and message ids) unchanged for `retentionMs`. */
  purge(): Result<number, FeedError> {
    const before = this.#o.clock.now() - Math.max(this.#o.retentionMs, MIN_RETENTION_MS);
    const purged = this.#o.inbox.purge(before);
    if (!purged.ok) return err(this.#failed(purged.error));
    if (purged.value > 0) this.emit('purged', purged.value);
    return ok(purged.value);
  }

  #schedulePurge(delayMs: number): void {
    if (this.#stopped) return;
    this.#purgeTimer = this.#o.timers.setTimeout(() => {
      this.purge();
      this.#schedulePurge(this.#o.purgeEveryMs ?? 3600_000);
    }, delayMs);
  }

  /** The triage board: active reports, oldest first. */
  board(): readonly BoardReport[] {
    return this.#o.inbox.reports().filter(isOnBoard);
  }

  /** Every report the inbox holds, including cancelled ones and tombstones. */
  all(): readonly BoardReport[] {
    return this.#o.inbox.reports();
  }

  markViewed(unitId: string, reportId: string): Promise<Result<BoardReport, FeedError>> {
    return this.#replies.markViewed(unitId, reportId);
  }

  answer(unitId: string, reportId: string, answer: AnswerInput): Promise<Result<BoardReport, FeedError>> {
    return this.#replies.answer(unitId, reportId, answer);
  }

  handover(unitId: string, reportId: string): Promise<Result<BoardReport, FeedError>> {
    return this.#replies.handover(unitId, reportId);
  }

  /** The attachments received for a report (complete or refused), without their bytes. */
  attachments(unitId: string, reportId: string): readonly StoredAttachment[] {
    return this.#o.inbox.attachments(unitId, reportId);
  }

  /** A complete attachment of this unit's report with its bytes; `undefined` if none or refused. */
  attachment(
    unitId: string,
    reportId: string,
    attachmentId: string,
  ): { attachment: StoredAttachment; data: Uint8Array } | undefined {
    const found = this.#o.inbox.attachment(unitId, attachmentId);
    return found?.attachment.reportId === reportId ? found : undefined;
  }

  /** A store write failed: the desk is told, and the caller returns the same error. */
  #failed(code: StorageErrorCode): FeedError {
    const error = feedError(code);
    this.emit('storage-error', error);
    return error;
  }
}
