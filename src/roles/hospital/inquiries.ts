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
}

/** Inquiries are minutes long; the desk sees the latest ones, and memory stays bounded. */
const KEEP = 50;
const ANSWER_TTL_MS = 3600_000;

/**
 * The hospital's side of acceptance inquiries: it takes inquiries, withdrawals and confirmations the
 * receiver opened (only from a dispatch principal of the pinned directory, and only about us), and
 * sends the desk's answer signed and sealed to the dispatch centre that asked.
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
        while (this.#byId.size > KEEP) this.#byId.delete(this.#byId.keys().next().value as string);
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
    this.#byId.set(inquiry.message.inquiryId, inquiry);
    this.emit(event, inquiry);
  }

  /** Whether the desk may still answer: not closed by dispatch, and before its deadline. */
  answerable(inquiry: IncomingInquiry): boolean {
    return inquiry.closed === undefined && this.o.clock.now() < inquiry.message.answerBy;
  }

  /**
   * Sends (or sends again, if the link refused it) the desk's answer, until dispatch's deadline: after
   * it the answer is refused here, whatever the page still shows (issue 15: inquiries stayed
   * answerable after their 2-minute deadline).
   */
  async answer(inquiryId: string, answer: HospitalAnswer): Promise<Result<IncomingInquiry, AnswerError>> {
    const known = this.#byId.get(inquiryId);
    if (known === undefined) return err(ANSWER_ERROR.unknownInquiry);
    if (known.closed !== undefined || (known.answerSent && known.answer?.kind !== answer.kind))
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
    const sent = await this.o.link.publish(topics.dispatchInbox(known.dispatchId), sealed.bytes);
    const next = { ...known, answer, answerSent: sent.ok };
    this.#byId.set(inquiryId, next);
    this.emit('changed');
    return sent.ok ? ok(next) : err(ANSWER_ERROR.notSent);
  }
}
