import { EventEmitter } from 'node:events';
import { err, ok, type Clock, type Result } from '../../core/index.js';
import type { DirectoryView } from '../../crypto/index.js';
import type { DeclineReason, InquiryMessage, WithdrawalReason } from '../../dispatch/index.js';
import {
  encodeDispatchBody,
  topics,
  type DispatchIncoming,
  type EnvelopeCodec,
  type PublishLink,
} from '../../hospital-feed/index.js';
import type { Logger } from '../../log/index.js';
import { retained, type InquiryRetention, type SqliteInquiryStore } from './inquiry-store.js';

export type HospitalAnswer =
  { readonly kind: 'accept' } | { readonly kind: 'decline'; readonly reason: DeclineReason };

/** One inquiry as the desk sees it: what was asked, what we said, and how dispatch closed it. */
export interface IncomingInquiry {
  readonly message: InquiryMessage;
  readonly dispatchId: string;
  readonly receivedAt: number;
  readonly answer?: HospitalAnswer;
  /** The broker took our answer (PUBACK); the confirmation or withdrawal is dispatch's reply. */
  readonly answerSent: boolean;
  readonly closed?:
    { readonly kind: 'confirmed' } | { readonly kind: 'withdrawn'; readonly reason: WithdrawalReason };
}

export const ANSWER_ERROR = {
  unknownInquiry: 'unknownInquiry',
  closed: 'closed',
  /** Past dispatch's `answerBy`: dispatch has moved on (timed out), so a late "yes" would promise a bed to nobody. */
  expired: 'expired',
  notSent: 'notSent',
} as const;
export type AnswerError = (typeof ANSWER_ERROR)[keyof typeof ANSWER_ERROR];

export interface HospitalInquiriesOptions {
  readonly hospitalId: string;
  readonly codec: EnvelopeCodec;
  readonly link: PublishLink;
  readonly directory: DirectoryView;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Where the inquiries are kept across restarts; what it holds is loaded at construction. */
  readonly store: SqliteInquiryStore;
}

/** Inquiries are minutes long; the desk sees the latest ones, and memory and the file stay bounded. */
const KEEP = 50;
const ANSWER_TTL_MS = 3600_000;
/**
 * How long after its deadline an inquiry is kept: dispatch seals an inquiry to expire an hour after
 * its `answerBy` (inquiry-desk.ts, REPLY_TTL_MS), so until then a redelivered copy must find it here
 * (and not be shown twice); after it the codec refuses the copy as expired, and nobody can answer.
 */
const KEEP_AFTER_DEADLINE_MS = 3600_000;

/**
 * The hospital's side of acceptance inquiries: it takes inquiries, withdrawals and confirmations the
 * receiver opened (only from a dispatch principal of the pinned directory, and only about us), and
 * sends the desk's answer signed and sealed to the dispatch centre that asked.
 *
 * Every change is written to the store before it is shown or sent (and the receive handler returns,
 * so the PUBACK of the inquiry follows the commit: link.ts): after a restart, kill -9 included, the
 * desk finds its open inquiries, answerable until their deadline; a copy the broker delivers again
 * is not shown twice; an answer the broker had not taken shows "not sent, press again"; a closed
 * inquiry stays closed. A write that fails does not stop the desk: the change holds in memory (as
 * the board's alerts do, alert-desk.ts) and `inquiry not stored` tells the operator its SQLite code.
 */
export class HospitalInquiries extends EventEmitter<{
  changed: [];
  /** A new inquiry (the board alerts on it). */
  received: [inquiry: IncomingInquiry];
  /** Dispatch withdrew or confirmed it: nothing is left to answer. */
  closed: [inquiry: IncomingInquiry];
}> {
  readonly #byId = new Map<string, IncomingInquiry>();

  constructor(private readonly o: HospitalInquiriesOptions) {
    super();
    const loaded = o.store.load(this.#retention());
    if (!loaded.ok) {
      o.logger.error('inquiries not loaded', { code: loaded.error });
      return;
    }
    for (const q of loaded.value.inquiries) this.#byId.set(q.message.inquiryId, q);
    // Counted only: a row that does not read back may hold what the inquiry carried.
    if (loaded.value.unreadable > 0)
      o.logger.warn('inquiry rows unreadable', { count: loaded.value.unreadable });
  }

  #retention(): InquiryRetention {
    return { keep: KEEP, before: this.o.clock.now() - KEEP_AFTER_DEADLINE_MS };
  }

  /** Stores the inquiry's new state, then holds it in memory whatever the store said. */
  #save(inquiry: IncomingInquiry): void {
    const retention = this.#retention();
    const saved = this.o.store.save(inquiry, retention);
    if (!saved.ok) this.o.logger.error('inquiry not stored', { code: saved.error });
    this.#byId.set(inquiry.message.inquiryId, inquiry);
    const kept = new Set(retained([...this.#byId.values()], retention).map((q) => q.message.inquiryId));
    for (const id of this.#byId.keys()) if (!kept.has(id)) this.#byId.delete(id);
  }

  /** Newest first. */
  list(): readonly IncomingInquiry[] {
    return [...this.#byId.values()].reverse();
  }

  receive({ envelope, dispatch }: DispatchIncoming): void {
    const sender = this.o.directory.current.currentKey(envelope.from, this.o.clock.now());
    if (
      sender?.role !== 'dispatch' ||
      !('hospitalId' in dispatch.body) ||
      dispatch.body.hospitalId !== this.o.hospitalId
    ) {
      this.o.logger.warn('dispatch message refused', { kind: dispatch.kind });
      return;
    }
    const known = this.#byId.get(dispatch.body.inquiryId);
    switch (dispatch.kind) {
      case 'inquiry':
        if (known !== undefined) return;
        this.#store(
          {
            message: dispatch.body,
            dispatchId: envelope.from,
            receivedAt: this.o.clock.now(),
            answerSent: false,
          },
          'received',
        );
        break;
      case 'withdrawal':
        if (known === undefined || known.dispatchId !== envelope.from) return;
        this.#store({ ...known, closed: { kind: 'withdrawn', reason: dispatch.body.reason } }, 'closed');
        break;
      case 'confirmation':
        if (known === undefined || known.dispatchId !== envelope.from) return;
        this.#store({ ...known, closed: { kind: 'confirmed' } }, 'closed');
        break;
      case 'inquiry-answer':
      case 'assignment':
      case 'milestone':
        return;
      default:
        return dispatch satisfies never;
    }
    this.emit('changed');
  }

  #store(inquiry: IncomingInquiry, event: 'received' | 'closed'): void {
    this.#save(inquiry);
    this.emit(event, inquiry);
  }

  /** Whether the desk may still answer: not closed by dispatch, and before its deadline. */
  answerable(inquiry: IncomingInquiry): boolean {
    return inquiry.closed === undefined && this.o.clock.now() < inquiry.message.answerBy;
  }

  /**
   * Sends (or sends again, if the link refused it) the desk's answer, until dispatch's deadline: after
   * it the answer is refused here, whatever the page still shows (issue 15: inquiries stayed
   * answerable after their 2-minute deadline). Once the broker took an answer, only the same answer
   * can be sent again (dispatch keeps the first it reads).
   */
  async answer(inquiryId: string, answer: HospitalAnswer): Promise<Result<IncomingInquiry, AnswerError>> {
    const known = this.#byId.get(inquiryId);
    if (known === undefined) return err(ANSWER_ERROR.unknownInquiry);
    if (known.closed !== undefined || (known.answerSent && !sameAnswer(known.answer, answer)))
      return err(ANSWER_ERROR.closed);
    if (!this.answerable(known)) return err(ANSWER_ERROR.expired);
    const body = encodeDispatchBody({
      kind: 'inquiry-answer',
      body: { inquiryId, hospitalId: this.o.hospitalId, answer },
    });
    if (!body.ok) return err(ANSWER_ERROR.notSent);
    const sealed = await this.o.codec.seal({
      kind: 'inquiry-answer',
      to: known.dispatchId,
      body: body.value,
      stream: inquiryId,
      sequence: 1,
      expiresAt: this.o.clock.now() + ANSWER_TTL_MS,
    });
    // Stored as given but not sent before it goes out: a restart before the PUBACK finds it "not
    // sent, press again" (pressing again is safe: dispatch keeps the first answer it reads).
    const given = this.#byId.get(inquiryId) ?? known;
    if (!given.answerSent) this.#save({ ...given, answer, answerSent: false });
    const sent = await this.o.link.publish(topics.dispatchInbox(known.dispatchId), sealed.bytes);
    // What came meanwhile (a withdrawal read while the answer was on its way) is kept.
    const current = this.#byId.get(inquiryId) ?? given;
    const next = { ...current, answer, answerSent: sent.ok || current.answerSent };
    this.#save(next);
    this.emit('changed');
    return sent.ok ? ok(next) : err(ANSWER_ERROR.notSent);
  }
}

const sameAnswer = (a: HospitalAnswer | undefined, b: HospitalAnswer): boolean =>
  a?.kind === b.kind && (a.kind === 'accept' || (b.kind === 'decline' && a.reason === b.reason));
