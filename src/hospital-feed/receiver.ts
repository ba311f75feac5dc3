import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Clock, Result } from '../core/index.js';
import { err, ok } from '../core/index.js';
import type { Logger } from '../log/index.js';
import type { RetryPolicy } from './backoff.js';
import type { EnvelopeCodec, OpenedEnvelope } from './codec.js';
import { feedError, FEED_ERRORS, type FeedError } from './errors.js';
import type { FeedLink } from './feed-link.js';
import { ATTACHMENT_KIND } from './attachment-wire.js';
import type { StoredAttachment } from './inbox-attachments.js';
import type { Receipt, SqliteInboxStore } from './inbox-sqlite.js';
import { isOnBoard, type BoardReport } from './inbox-state.js';
import {
  MIN_RETENTION_MS,
  noCounters,
  openIncomingOrDispatch,
  type ChunkIncoming,
  type DispatchIncoming,
  type FeedCounters,
  type RejectReason,
} from './incoming.js';
import { ACK_BATCH_MAX, encodeBody, type AnswerBody, type FeedMessage } from './messages.js';
import { Outbox, type Timers } from './outbox.js';
import { RefusalLog } from './refusal-log.js';
import type { OutboxStore } from './outbox-store.js';
import { DeskThreads } from './desk-threads.js';
import { GroupCommit } from './group-commit.js';
import { withPresence } from './presence.js';
import { topics } from './topics.js';

export type BoardEvent =
  | { readonly type: 'report-new'; readonly report: BoardReport }
  | { readonly type: 'report-updated'; readonly report: BoardReport }
  | { readonly type: 'report-cancelled'; readonly report: BoardReport };

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

/** Acknowledgements kept for replays: far more than the reports a desk sees in a day, ~1 KiB each. */
const ACKS_KEPT = 10_000;

/**
 * Reports, updates and cancels put a patient on the board: only an ambulance may send them (its
 * directory role, proven by the signature; a hospital's, dispatch's or the records service's key may
 * not), and a report speaks only for the unit that signed it.
 */
const senderRefusal = (
  envelope: OpenedEnvelope,
  message: Extract<FeedMessage, { kind: 'report' | 'update' | 'cancel' }>,
): RejectReason | undefined => {
  if (envelope.fromRole !== 'ambulance') return 'wrong-role';
  if (message.kind !== 'cancel' && message.body.crew.unitId !== envelope.from) return 'wrong-unit';
  return undefined;
};

/** What a stored report, update or cancel shows on the board, if anything. */
const boardEvent = (receipt: Receipt): BoardEvent | undefined => {
  if (receipt.report === undefined) return undefined;
  switch (receipt.change) {
    case 'new':
      return { type: 'report-new', report: receipt.report };
    case 'updated':
      return { type: 'report-updated', report: receipt.report };
    case 'cancelled':
      return { type: 'report-cancelled', report: receipt.report };
    case 'none':
      return undefined;
    default:
      return receipt.change satisfies never;
  }
};

/** Accept, or decline with its reason (distributive: `Omit` over the union would drop `reason`). */
export type AnswerInput = AnswerBody extends infer T
  ? T extends AnswerBody
    ? Omit<T, 'reportId'>
    : never
  : never;

/**
 * The hospital side: opens and verifies every envelope on the hospital's inbox, de-duplicates by
 * message id, stores to the inbox before acknowledging, applies reports, updates and cancels in
 * sequence order, and acknowledges (signed, through the codec) on the unit's inbox.
 */
export class Receiver extends EventEmitter<ReceiverEvents> {
  /** The crew↔ER conversations and the outcomes the desk sends (issue 16, items 2 and 5). */
  readonly threads: DeskThreads;
  readonly #o: ReceiverOptions;
  readonly #outbox: Outbox;
  readonly #counters: FeedCounters;
  readonly #refusals: RefusalLog;
  /** Incoming messages that arrive together are stored in one inbox commit (one fsync). */
  readonly #commit: GroupCommit;
  /**
   * The sealed acknowledgement of each message, by the id it acknowledges, so a replay (or a QoS 1
   * redelivery) is answered with the same bytes: without it every copy an attacker replays would
   * cost a signature and an inbox write. Bounded; the oldest is forgotten first.
   */
  readonly #acks = new Map<
    string,
    { readonly to: string; readonly bytes: Uint8Array; readonly expiresAt: number }
  >();
  /**
   * Acknowledgements not yet signed, by the unit they go to: what one commit stored from one unit is
   * acknowledged in one envelope (one signature, one seal) once the event loop has handled it.
   */
  readonly #pendingAcks = new Map<string, { reportId: string; sequence: number; of: Set<string> }>();
  #purgeTimer: unknown;
  #stopped = false;

  constructor(options: ReceiverOptions) {
    super();
    this.#o = options;
    this.#counters = options.counters ?? noCounters;
    this.#refusals = new RefusalLog(options.logger, options.timers, 'incoming envelopes refused');
    this.#commit = new GroupCommit((steps) => options.inbox.batch(steps));
    this.#outbox = new Outbox({
      store: options.outboxStore,
      link: options.link,
      clock: options.clock,
      timers: options.timers,
      random: options.random,
      policy: options.policy,
      maxInFlight: options.maxInFlight,
    });
    this.#outbox.on('storage-error', (code) => this.emit('storage-error', feedError(code)));
    this.threads = new DeskThreads({
      inbox: options.inbox,
      clock: options.clock,
      newId: options.newId ?? randomUUID,
      queue: (to, topic, outgoing, body, sequence) => this.#queue(to, topic, outgoing, body, sequence),
      changed: (unitId, reportId) => this.emit('thread', unitId, reportId),
    });
    // A unit that came up with its subscriptions made anew gets again what the broker took for it.
    options.link.onMessage(
      withPresence(
        'unit',
        {
          back: (unitId) => this.#outbox.recipientBack(unitId),
          malformed: () => this.#refuse('presence-malformed'),
        },
        (_topic, payload) => this.#receive(payload),
      ),
    );
  }

  async start(): Promise<void> {
    this.#outbox.start();
    this.#schedulePurge(0);
    for (const topic of [topics.hospitalInbox(this.#o.hospitalId), topics.allUnitPresence]) {
      const subscribed = await this.#o.link.subscribe(topic);
      // Before the link connects the subscription is only recorded; it is made on every connect.
      if (!subscribed.ok && subscribed.error === 'refused')
        this.#o.logger.warn('feed subscription refused', { code: subscribed.error });
    }
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
    if (!purged.ok) {
      this.emit('storage-error', feedError(purged.error));
      return err(feedError(purged.error));
    }
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
    return this.#change(
      unitId,
      reportId,
      (r) => (r.viewed ? undefined : { ...r, viewed: true }),
      (r) => ({
        kind: 'ack',
        body: { reportId: r.reportId, stage: 'viewed' },
      }),
    );
  }

  answer(unitId: string, reportId: string, answer: AnswerInput): Promise<Result<BoardReport, FeedError>> {
    const body = { ...answer, reportId } as AnswerBody;
    return this.#change(
      unitId,
      reportId,
      (r) => ({ ...r, answer: body }),
      () => ({ kind: 'answer', body }),
    );
  }

  handover(unitId: string, reportId: string): Promise<Result<BoardReport, FeedError>> {
    const at = new Date(this.#o.clock.now()).toISOString();
    return this.#change(
      unitId,
      reportId,
      (r) => (r.handedOver ? undefined : { ...r, handedOver: true }),
      (r) => ({
        kind: 'handover',
        body: { reportId: r.reportId, at },
      }),
    );
  }

  /** Stores the desk's change, then queues the message that tells the unit, in the durable outbox. */
  async #change(
    unitId: string,
    reportId: string,
    update: (r: BoardReport) => BoardReport | undefined,
    message: (r: BoardReport) => FeedMessage,
  ): Promise<Result<BoardReport, FeedError>> {
    const current = this.#o.inbox.report(unitId, reportId);
    if (current === undefined || current.body === undefined)
      return err(feedError(FEED_ERRORS.permanent.unknownReport));
    if (current.status === 'cancelled') return err(feedError(FEED_ERRORS.permanent.reportClosed));
    const changed = update(current);
    if (changed === undefined) return ok(current);
    const outgoing = message(changed);
    const body = encodeBody(outgoing);
    if (!body.ok) return err(feedError(FEED_ERRORS.permanent.invalidBody, body.error.paths));
    const now = this.#o.clock.now();
    const next = { ...changed, updatedAt: now };
    const saved = this.#o.inbox.save(next);
    if (!saved.ok) return err(feedError(saved.error));
    const queued = await this.#queue(unitId, topics.unitInbox(unitId), outgoing, body.value, saved.value);
    return queued.ok ? ok(next) : err(queued.error);
  }

  /**
   * Seals an encoded message about one report and stores it in the reply outbox, which sends it until
   * the recipient acknowledges it. Returns the envelope's message id.
   */
  async #queue(
    to: string,
    topic: string,
    outgoing: FeedMessage,
    body: Uint8Array,
    sequence: number,
  ): Promise<Result<string, FeedError>> {
    const now = this.#o.clock.now();
    const expiresAt = now + this.#o.replyTtlMs;
    let sealed: { readonly messageId: string; readonly bytes: Uint8Array };
    try {
      sealed = await this.#o.codec.seal({
        kind: outgoing.kind,
        to,
        body,
        stream: outgoing.body.reportId,
        sequence,
        expiresAt,
      });
    } catch {
      // No valid key for the recipient in the pinned directory (a dispatch centre not listed).
      return err(feedError(FEED_ERRORS.permanent.unknownRecipient));
    }
    const added = this.#outbox.add(
      [
        {
          messageId: sealed.messageId,
          reportId: outgoing.body.reportId,
          kind: outgoing.kind,
          to,
          topic,
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
      [],
    );
    return added.ok ? ok(sealed.messageId) : err(feedError(added.error));
  }

  async #receive(payload: Uint8Array): Promise<void> {
    if (this.#stopped) return;
    const opened = await openIncomingOrDispatch(
      this.#o.codec,
      payload,
      ['report', 'update', 'cancel', 'ack', 'message', 'message-read'],
      ['inquiry', 'withdrawal', 'confirmation'],
      true,
    );
    if (!opened.ok) {
      const replayOf = opened.error.reason === 'replayed' ? opened.error.messageId : undefined;
      if (replayOf !== undefined && this.#ackAgain(replayOf)) {
        this.#counters.duplicate();
        return;
      }
      if (replayOf !== undefined && (await this.#redelivered(replayOf))) return;
      this.#refuse(opened.error.reason);
      return;
    }
    if ('dispatch' in opened.value) {
      this.#counters.received(opened.value.dispatch.kind);
      this.emit('dispatch', opened.value);
      return;
    }
    if ('chunk' in opened.value) return this.#receiveChunk(opened.value);
    const { envelope, message } = opened.value;
    switch (message.kind) {
      case 'ack': {
        // The unit acknowledges what the desk sent; only the unit it went to may end it.
        if (message.body.stage !== 'received') return;
        for (const of of message.body.of) {
          const entry = this.#outbox.get(of);
          if (entry === undefined || entry.to !== envelope.from) continue;
          this.#outbox.acknowledge(entry.messageId);
          if (entry.kind === 'message') this.threads.delivered(entry.messageId);
        }
        this.#counters.received('ack');
        return;
      }
      case 'message':
      case 'message-read':
        return this.#onThread(envelope, message);
      case 'report':
      case 'update':
      case 'cancel':
        break;
      case 'answer':
      case 'handover':
      case 'outcome':
        return;
      default:
        return message satisfies never;
    }
    const refused = senderRefusal(envelope, message);
    if (refused !== undefined) {
      this.#refuse(refused);
      return;
    }
    const now = this.#o.clock.now();
    const stored = await this.#commit.run(() =>
      this.#o.inbox.receive({
        messageId: envelope.messageId,
        unitId: envelope.from,
        unitName: envelope.fromName,
        sequence: envelope.sequence,
        message,
        now,
      }),
    );
    if (this.#stopped) return;
    if (!stored.ok) {
      // Not stored, so not acknowledged: the unit's outbox sends it again.
      this.#o.logger.error('incoming report not stored', { code: stored.error });
      this.emit('storage-error', feedError(stored.error));
      return;
    }
    const receipt = stored.value;
    if (receipt.duplicate) this.#counters.duplicate();
    else this.#counters.received(message.kind);
    // Signed after this turn of the event loop, so the board does not wait for it.
    this.#acknowledge(envelope.from, message.body.reportId, envelope.messageId, receipt.ackSequence);
    const event = boardEvent(receipt);
    if (event !== undefined) this.emit('board', event);
  }

  /** A message or read receipt from the crew: only from the unit that sent the report, about it. */
  async #onThread(
    envelope: OpenedEnvelope,
    message: Extract<FeedMessage, { kind: 'message' | 'message-read' }>,
  ): Promise<void> {
    if (envelope.fromRole !== 'ambulance') return this.#refuse('wrong-role');
    const now = this.#o.clock.now();
    const stored = await this.#commit.run(() =>
      this.#o.inbox.receiveThread({
        messageId: envelope.messageId,
        unitId: envelope.from,
        sequence: envelope.sequence,
        message,
        now,
      }),
    );
    if (this.#stopped) return;
    if (!stored.ok) {
      // Not stored, so not acknowledged: the unit's outbox sends it again.
      this.emit('storage-error', feedError(stored.error));
      return;
    }
    if (stored.value.outcome === 'unknown-report') return this.#refuse('unknown-report');
    if (stored.value.outcome === 'duplicate') this.#counters.duplicate();
    else {
      this.#counters.received(message.kind);
      this.emit('thread', envelope.from, message.body.reportId);
    }
    this.#acknowledge(envelope.from, message.body.reportId, envelope.messageId, stored.value.ackSequence);
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

  /**
   * One chunk of an attachment: only an ambulance sends them (its directory role), stored with its
   * message id before it is acknowledged; the last chunk assembles and verifies the whole.
   */
  async #receiveChunk({ envelope, chunk }: ChunkIncoming): Promise<void> {
    if (envelope.fromRole !== 'ambulance') return this.#refuse('wrong-role');
    const now = this.#o.clock.now();
    const stored = await this.#commit.run(() =>
      this.#o.inbox.receiveChunk({ messageId: envelope.messageId, unitId: envelope.from, chunk, now }),
    );
    if (this.#stopped) return;
    if (!stored.ok) {
      // Not stored, so not acknowledged: the unit's outbox sends it again.
      this.#o.logger.error('incoming attachment chunk not stored', { code: stored.error });
      this.emit('storage-error', feedError(stored.error));
      return;
    }
    const receipt = stored.value;
    if (receipt.duplicate) this.#counters.duplicate();
    else this.#counters.received(ATTACHMENT_KIND);
    // Acknowledged also when refused: resending the same chunks cannot make them verify.
    this.#acknowledge(envelope.from, chunk.header.reportId, envelope.messageId, receipt.ackSequence);
    const outcome = receipt.outcome;
    switch (outcome.kind) {
      case 'refused':
        this.#refuse('attachment-mismatch');
        this.emit('attachment', outcome.attachment);
        return;
      case 'complete':
        this.emit('attachment', outcome.attachment);
        return;
      case 'stored':
      case 'settled':
        return;
      default:
        return outcome satisfies never;
    }
  }

  #refuse(reason: RejectReason): void {
    this.#counters.rejected(reason);
    this.#refusals.refused(reason);
  }

  /**
   * A QoS 1 redelivery or an outbox retry of a message already stored: the codec refuses it as a
   * replay, so the unit's acknowledgement was lost; acknowledge again, show nothing.
   */
  async #redelivered(messageId: string): Promise<boolean> {
    const known = await this.#commit.run(() => this.#o.inbox.redelivered(messageId));
    if (this.#stopped) return true;
    if (!known.ok || known.value === undefined) return false;
    const { unitId, reportId, ackSequence } = known.value;
    this.#counters.duplicate();
    this.#acknowledge(unitId, reportId, messageId, ackSequence);
    return true;
  }

  /** A replay of a message acknowledged before: the same acknowledgement again, nothing signed or stored. */
  #ackAgain(messageId: string): boolean {
    const sent = this.#acks.get(messageId);
    if (sent === undefined || sent.expiresAt <= this.#o.clock.now()) return false;
    void this.#o.link.publish(topics.unitInbox(sent.to), sent.bytes);
    return true;
  }

  /**
   * Signed acknowledgement of receipt; sent again for every duplicate, so a lost one is repaired.
   * Gathered per unit until the event loop has handled what arrived together, then sealed as one
   * `ack received` on the stream (and with the sequence the inbox reserved) of its first message.
   */
  #acknowledge(unitId: string, reportId: string, of: string, sequence: number): void {
    if (this.#ackAgain(of)) return;
    const pending = this.#pendingAcks.get(unitId);
    if (pending !== undefined && pending.of.size < ACK_BATCH_MAX) {
      pending.of.add(of);
      return;
    }
    if (pending !== undefined) void this.#sendAck(unitId, pending);
    else if (this.#pendingAcks.size === 0) setImmediate(() => this.#flushAcks());
    this.#pendingAcks.set(unitId, { reportId, sequence, of: new Set([of]) });
  }

  #flushAcks(): void {
    const due = [...this.#pendingAcks];
    this.#pendingAcks.clear();
    if (this.#stopped) return;
    for (const [unitId, pending] of due) void this.#sendAck(unitId, pending);
  }

  async #sendAck(
    unitId: string,
    { reportId, sequence, of }: { reportId: string; sequence: number; of: Set<string> },
  ): Promise<void> {
    const ids = [...of];
    const body = encodeBody({ kind: 'ack', body: { reportId, of: ids, stage: 'received' } });
    if (!body.ok) return;
    const expiresAt = this.#o.clock.now() + this.#o.replyTtlMs;
    // An unknown recipient key (the directory changed since it was opened) rejects: a crash would
    // lose the process for an acknowledgement the sender asks for again anyway.
    const sealed = await this.#o.codec
      .seal({
        kind: 'ack',
        to: unitId,
        body: body.value,
        stream: reportId,
        sequence,
        expiresAt,
      })
      .catch(() => undefined);
    if (sealed === undefined) {
      this.#o.logger.warn('acknowledgement not sealed: no valid key for its recipient');
      return;
    }
    for (const id of ids) {
      this.#acks.set(id, { to: unitId, bytes: sealed.bytes, expiresAt });
      if (this.#acks.size > ACKS_KEPT) this.#acks.delete(this.#acks.keys().next().value as string);
    }
    await this.#o.link.publish(topics.unitInbox(unitId), sealed.bytes);
  }
}
