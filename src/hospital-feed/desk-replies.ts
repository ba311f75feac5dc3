import type { Clock, Result } from '../core/index.js';
import { err, ok } from '../core/index.js';
import type { EnvelopeCodec } from './codec.js';
import { feedError, FEED_ERRORS, type FeedError } from './errors.js';
import type { SqliteInboxStore } from './inbox-sqlite.js';
import type { BoardReport } from './inbox-state.js';
import { encodeBody, type AnswerBody, type FeedMessage } from './messages.js';
import type { Outbox } from './outbox.js';
import { queuedEntry } from './outbox-state.js';
import { topics } from './topics.js';

/** Accept, or decline with its reason (distributive: `Omit` over the union would drop `reason`). */
export type AnswerInput = AnswerBody extends infer T
  ? T extends AnswerBody
    ? Omit<T, 'reportId'>
    : never
  : never;

/** What the desk's replies need from the receiver. */
export interface DeskRepliesPort {
  readonly inbox: Pick<SqliteInboxStore, 'report' | 'save'>;
  /** Durable outbox for what the desk sends back until the recipient acknowledges it. */
  readonly outbox: Outbox;
  readonly codec: EnvelopeCodec;
  readonly clock: Clock;
  /** Expiry of the envelopes the hospital sends. */
  readonly replyTtlMs: number;
}

/**
 * What the desk sends back about a report: viewed, its answer, the handover. Each change is stored
 * in the inbox, then the message that tells the unit is sealed into the reply outbox, which sends it
 * until the unit acknowledges it. The conversation and outcomes queue through here too.
 */
export class DeskReplies {
  readonly #p: DeskRepliesPort;

  constructor(port: DeskRepliesPort) {
    this.#p = port;
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
    const at = new Date(this.#p.clock.now()).toISOString();
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

  /**
   * Seals an encoded message about one report and stores it in the reply outbox, which sends it until
   * the recipient acknowledges it. Returns the envelope's message id.
   */
  async queue(
    to: string,
    topic: string,
    outgoing: FeedMessage,
    body: Uint8Array,
    sequence: number,
  ): Promise<Result<string, FeedError>> {
    const now = this.#p.clock.now();
    const expiresAt = now + this.#p.replyTtlMs;
    let sealed: { readonly messageId: string; readonly bytes: Uint8Array };
    try {
      sealed = await this.#p.codec.seal({
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
    const entry = queuedEntry(
      sealed,
      { reportId: outgoing.body.reportId, kind: outgoing.kind, to, topic, sequence, expiresAt },
      now,
    );
    const added = this.#p.outbox.add([entry], [], []);
    return added.ok ? ok(sealed.messageId) : err(feedError(added.error));
  }

  /** Stores the desk's change, then queues the message that tells the unit, in the durable outbox. */
  async #change(
    unitId: string,
    reportId: string,
    update: (r: BoardReport) => BoardReport | undefined,
    message: (r: BoardReport) => FeedMessage,
  ): Promise<Result<BoardReport, FeedError>> {
    const current = this.#p.inbox.report(unitId, reportId);
    if (current === undefined || current.body === undefined)
      return err(feedError(FEED_ERRORS.permanent.unknownReport));
    if (current.status === 'cancelled') return err(feedError(FEED_ERRORS.permanent.reportClosed));
    const changed = update(current);
    if (changed === undefined) return ok(current);
    const outgoing = message(changed);
    const body = encodeBody(outgoing);
    if (!body.ok) return err(feedError(FEED_ERRORS.permanent.invalidBody, body.error.paths));
    const now = this.#p.clock.now();
    const next = { ...changed, updatedAt: now };
    const saved = this.#p.inbox.save(next);
    if (!saved.ok) return err(feedError(saved.error));
    const queued = await this.queue(unitId, topics.unitInbox(unitId), outgoing, body.value, saved.value);
    return queued.ok ? ok(next) : err(queued.error);
  }
}
