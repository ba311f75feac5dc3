import { EventEmitter } from 'node:events';
import type { Clock } from '../../core/index.js';
import type { DirectoryView } from '../../crypto/index.js';
import {
  inquiryPolicyFor,
  nextDeadline,
  openInquiry,
  stepInquiry,
  type InquiryCommand,
  type InquiryEvent,
  type InquiryInput,
  type InquiryRequest,
  type InquiryState,
  type RegionalInquiryPolicies,
  type TargetChoice,
} from '../../dispatch/index.js';
import {
  encodeDispatchBody,
  topics,
  type DispatchIncoming,
  type DispatchMessage,
  type EnvelopeCodec,
  type PublishLink,
  type Timers,
} from '../../hospital-feed/index.js';
import type { Logger } from '../../log/index.js';
import { caseRetention, type AnswerReceipt, type SqliteCaseStore, type StoredCase } from './case-store.js';

export interface InquiryDeskEvents {
  /** What one step of a case produced, in order: for the board, the timeline and the alert. */
  events: [caseId: string, events: readonly InquiryEvent[]];
  /** A command the link refused (the hospital's timeout covers a lost inquiry). */
  'not-sent': [caseId: string, kind: DispatchMessage['kind']];
}

export interface InquiryDeskOptions {
  readonly codec: EnvelopeCodec;
  readonly link: PublishLink;
  readonly directory: DirectoryView;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly policies: RegionalInquiryPolicies;
  readonly regionId: string;
  readonly logger: Logger;
  /** Where each case's state is committed before its commands go out. */
  readonly store: SqliteCaseStore;
  /** The cases the store held at start: their timers are set again at once. */
  readonly restored?: readonly StoredCase[];
}

/** What the desk sends to hospitals. */
type ToHospital = Extract<DispatchMessage, { kind: 'inquiry' | 'withdrawal' | 'confirmation' }>;

/** Withdrawals and confirmations matter for an hour at most; inquiries until their answer is due. */
const REPLY_TTL_MS = 3600_000;

/**
 * The thin adapter around the pure inquiry reducer: one queue per case, so inputs of a case (answers
 * read together, ticks, sends) are applied strictly one at a time; the commands go out signed and
 * sealed to each hospital's inbox; a timer fires at the reducer's next deadline.
 */
export class InquiryDesk extends EventEmitter<InquiryDeskEvents> {
  readonly #cases = new Map<string, InquiryState>();
  readonly #queues = new Map<string, Promise<void>>();
  readonly #timers = new Map<string, unknown>();
  readonly #caseOfInquiry = new Map<string, string>();
  readonly #notSent = new Set<string>();

  constructor(private readonly o: InquiryDeskOptions) {
    super();
    // After a restart: whom each case asked, and where their answers stand, as committed; a deadline
    // that passed meanwhile is applied at once (the timer fires with no delay).
    for (const c of o.restored ?? []) {
      if (c.state === undefined) continue;
      this.#cases.set(c.caseId, c.state);
      for (const t of c.state.targets) this.#caseOfInquiry.set(t.inquiryId, c.caseId);
      for (const id of c.notSent) this.#notSent.add(id);
      this.#schedule(c.caseId, c.state);
    }
  }

  /** Opens a case under the region's policy; opening it again changes nothing. */
  open(request: InquiryRequest): InquiryState {
    const known = this.#cases.get(request.caseId);
    if (known !== undefined) return known;
    const state = openInquiry(request, inquiryPolicyFor(this.o.policies, this.o.regionId));
    this.#cases.set(request.caseId, state);
    this.#save(state);
    return state;
  }

  /** Changes an open case's request while nothing was sent for it; false once anyone was asked. */
  revise(request: InquiryRequest): boolean {
    const state = this.#cases.get(request.caseId);
    if (state === undefined || state.outcome !== 'open' || state.targets.length > 0) return false;
    const revised = { ...state, request };
    this.#cases.set(request.caseId, revised);
    this.#save(revised);
    return true;
  }

  /** Whether sending this inquiry failed (no key for the hospital, or the link refused it). */
  notSent(inquiryId: string): boolean {
    return this.#notSent.has(inquiryId);
  }

  get(caseId: string): InquiryState | undefined {
    return this.#cases.get(caseId);
  }

  /** Newest case first. */
  cases(): readonly InquiryState[] {
    return [...this.#cases.values()].reverse();
  }

  send(caseId: string, targets: readonly TargetChoice[]): Promise<void> {
    return this.#enqueue(caseId, { type: 'send', targets });
  }

  cancel(caseId: string): Promise<void> {
    return this.#enqueue(caseId, { type: 'cancel' });
  }

  /**
   * An answer opened from our inbox: believed only from the hospital it answers for. Resolves once
   * the case step it made is committed with the answer's envelope id (and its commands sent): the
   * inbox handler awaits it, so the broker's PUBACK follows the commit (link.ts), and a kill -9
   * before it leaves the broker to deliver the answer again, which the store does not know yet.
   */
  receive({ envelope, dispatch }: DispatchIncoming): Promise<void> {
    if (dispatch.kind !== 'inquiry-answer') return Promise.resolve();
    const sender = this.o.directory.current.currentKey(envelope.from, this.o.clock.now());
    const caseId = this.#caseOfInquiry.get(dispatch.body.inquiryId);
    if (sender?.role !== 'hospital' || envelope.from !== dispatch.body.hospitalId || caseId === undefined) {
      this.o.logger.warn('inquiry answer refused', { hospital: envelope.from });
      return Promise.resolve();
    }
    return this.#enqueue(
      caseId,
      { type: 'answer', answer: dispatch.body },
      { messageId: envelope.messageId, inquiryId: dispatch.body.inquiryId },
    );
  }

  /**
   * The codec refused a copy of an answer as a replay. True when its id is stored: the answer was
   * applied (its PUBACK lost, or a replay); if it made its hospital the winner, the confirmation is
   * sent again (it may have been lost with the process), and nothing else changes.
   */
  redelivered(messageId: string): boolean {
    const stored = this.o.store.answered(messageId);
    if (!stored.ok || stored.value === undefined) return false;
    const { caseId, inquiryId } = stored.value;
    const target = this.#cases.get(caseId)?.targets.find((t) => t.inquiryId === inquiryId);
    if (target?.phase === 'accepted') {
      const message = { inquiryId, caseId, hospitalId: target.hospitalId };
      void this.#queued(caseId, () => this.#execute(caseId, { type: 'confirmAcceptance', message }));
    }
    return true;
  }

  /** Every pending input of every case applied: for tests and shutdown. */
  async settled(): Promise<void> {
    await Promise.all([...this.#queues.values()]);
  }

  stop(): void {
    for (const handle of this.#timers.values()) this.o.timers.clearTimeout(handle);
    this.#timers.clear();
  }

  #enqueue(caseId: string, input: InquiryInput, answer?: AnswerReceipt): Promise<void> {
    return this.#queued(caseId, () => this.#apply(caseId, input, answer));
  }

  #queued(caseId: string, work: () => Promise<void>): Promise<void> {
    const previous = this.#queues.get(caseId) ?? Promise.resolve();
    const next = previous.then(work);
    this.#queues.set(caseId, next);
    return next;
  }

  async #apply(caseId: string, input: InquiryInput, answer?: AnswerReceipt): Promise<void> {
    const state = this.#cases.get(caseId);
    if (state === undefined) return;
    // A copy opened before the first was committed (the codec checked the store while both were
    // queued): the first one's step stands, applied once.
    const seen = answer === undefined ? undefined : this.o.store.answered(answer.messageId);
    if (seen?.ok === true && seen.value !== undefined) return;
    const step = stepInquiry(state, input, this.o.clock.now());
    this.#cases.set(caseId, step.state);
    for (const t of step.state.targets) this.#caseOfInquiry.set(t.inquiryId, caseId);
    // Committed before anything goes out: a restart finds every hospital asked (an inquiry lost with
    // the process counts as unanswered at its deadline, as one the link refused). An answer's id is
    // committed with the step it made, even one that changed nothing (a copy is then a replay).
    if (step.state !== state || answer !== undefined) this.#save(step.state, answer);
    this.#schedule(caseId, step.state);
    if (step.events.length > 0) this.emit('events', caseId, step.events);
    for (const command of step.commands) await this.#execute(caseId, command);
  }

  /**
   * Writes a case's state; a write that fails does not stop the desk (the case goes on in memory)
   * and `dispatch case not stored` tells the operator the storage code, never the case.
   */
  #save(state: InquiryState, answer?: AnswerReceipt): void {
    const now = this.o.clock.now();
    const notSent = state.targets.map((t) => t.inquiryId).filter((id) => this.#notSent.has(id));
    const saved = this.o.store.saveState(state, notSent, now, caseRetention(now), answer);
    if (!saved.ok) this.o.logger.error('dispatch case not stored', { code: saved.error });
  }

  #schedule(caseId: string, state: InquiryState): void {
    const previous = this.#timers.get(caseId);
    if (previous !== undefined) this.o.timers.clearTimeout(previous);
    this.#timers.delete(caseId);
    const due = nextDeadline(state);
    if (due === undefined) return;
    const delay = Math.max(0, due - this.o.clock.now());
    this.#timers.set(
      caseId,
      this.o.timers.setTimeout(() => void this.#enqueue(caseId, { type: 'tick' }), delay),
    );
  }

  async #execute(caseId: string, command: InquiryCommand): Promise<void> {
    const now = this.o.clock.now();
    switch (command.type) {
      case 'sendInquiry':
        return this.#publish(
          caseId,
          { kind: 'inquiry', body: command.message },
          command.message.answerBy + REPLY_TTL_MS,
        );
      case 'sendWithdrawal':
        return this.#publish(caseId, { kind: 'withdrawal', body: command.message }, now + REPLY_TTL_MS);
      case 'confirmAcceptance':
        return this.#publish(caseId, { kind: 'confirmation', body: command.message }, now + REPLY_TTL_MS);
      case 'escalate':
        // The regional centre is reached by phone today; the alert on the board is the handover.
        this.o.logger.warn('case escalated to the regional centre', {
          trigger: command.message.trigger,
          refusals: command.message.refusals,
        });
        return;
      default:
        return command satisfies never;
    }
  }

  async #publish(caseId: string, message: ToHospital, expiresAt: number): Promise<void> {
    const hospitalId = message.body.hospitalId;
    const body = encodeDispatchBody(message);
    try {
      if (!body.ok) throw new Error(body.error.code);
      const sealed = await this.o.codec.seal({
        kind: message.kind,
        to: hospitalId,
        body: body.value,
        stream: message.body.inquiryId,
        sequence: message.kind === 'inquiry' ? 1 : 2,
        expiresAt,
      });
      const sent = await this.o.link.publish(topics.hospitalInbox(hospitalId), sealed.bytes);
      if (sent.ok) return;
    } catch (error) {
      this.o.logger.warn('dispatch message not sealed', { kind: message.kind, error: error as Error });
    }
    const state = this.#cases.get(caseId);
    if (message.kind === 'inquiry') this.#notSent.add(message.body.inquiryId);
    if (message.kind === 'inquiry' && state !== undefined) this.#save(state);
    this.emit('not-sent', caseId, message.kind);
  }
}
