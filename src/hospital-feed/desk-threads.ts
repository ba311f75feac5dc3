import type { Clock, Result } from '../core/index.js';
import { err, ok } from '../core/index.js';
import { feedError, FEED_ERRORS, type FeedError } from './errors.js';
import type { SqliteInboxStore } from './inbox-sqlite.js';
import { encodeBody, type FeedMessage } from './messages.js';
import {
  advance,
  bodyOf,
  byTime,
  type OutcomeRecord,
  type ThreadContent,
  type ThreadEntry,
  type UnreadThread,
} from './thread-state.js';
import type { Disposition, OutcomeBody } from './thread-wire.js';
import { topics } from './topics.js';

/** What the desk's conversation needs from the receiver: its inbox and its reply outbox. */
export interface DeskThreadsPort {
  readonly inbox: SqliteInboxStore;
  readonly clock: Clock;
  readonly newId: () => string;
  /** Seals and stores in the reply outbox; the envelope's message id once stored. */
  queue(
    to: string,
    topic: string,
    outgoing: FeedMessage,
    body: Uint8Array,
    sequence: number,
  ): Promise<Result<string, FeedError>>;
  changed(unitId: string, reportId: string): void;
}

/** What the desk enters for an outcome. */
export interface OutcomeInput {
  readonly icd10: string;
  readonly diagnosis?: string;
  readonly disposition: Disposition;
  readonly note?: string;
}

/** Where the outcome went: the unit always, the report's dispatch centre when the report named one. */
export interface OutcomeSent {
  readonly outcome: OutcomeRecord;
  readonly toDispatch: 'queued' | 'no-case' | 'unknown-recipient';
}

/**
 * The hospital's side of the crew↔ER conversation and of outcome feedback. Messages go through the
 * reply outbox (sent until the unit's signed `ack received`: delivered); the unit's `message-read`
 * makes them read. Incoming messages stay unread until the detail page shows them to a user.
 */
export class DeskThreads {
  readonly #p: DeskThreadsPort;

  constructor(port: DeskThreadsPort) {
    this.#p = port;
  }

  /** One report's conversation, in the order sent. */
  thread(unitId: string, reportId: string): readonly ThreadEntry[] {
    return [...this.#p.inbox.thread(unitId, reportId)].sort(byTime);
  }

  /** The hook for the board's re-alert: reports with messages nobody here has been shown yet. */
  unread(): readonly UnreadThread[] {
    return this.#p.inbox.unreadThreads();
  }

  outcome(unitId: string, reportId: string): OutcomeRecord | undefined {
    return this.#p.inbox.outcome(unitId, reportId);
  }

  /** A message to the crew of an open report (not after handover: the crew's copy is gone by then). */
  async send(
    unitId: string,
    reportId: string,
    content: ThreadContent,
  ): Promise<Result<ThreadEntry, FeedError>> {
    const r = this.#p.inbox.report(unitId, reportId);
    if (r?.body === undefined) return err(feedError(FEED_ERRORS.permanent.unknownReport));
    if (r.status === 'cancelled' || r.handedOver) return err(feedError(FEED_ERRORS.permanent.reportClosed));
    const now = this.#p.clock.now();
    const entry: ThreadEntry = {
      reportId,
      threadId: this.#p.newId(),
      direction: 'out',
      content,
      sentAt: now,
      state: 'sent',
      updatedAt: now,
    };
    const message: FeedMessage = { kind: 'message', body: bodyOf(entry) };
    const queued = await this.#queue(unitId, unitId, topics.unitInbox(unitId), message);
    if (!queued.ok) return queued;
    const stored = { ...entry, envelopeId: queued.value };
    const saved = this.#p.inbox.saveThread(unitId, [stored]);
    if (!saved.ok) return err(feedError(saved.error));
    this.#p.changed(unitId, reportId);
    return ok(stored);
  }

  /**
   * The detail page showed the conversation to a user: the crew's unread messages become read, and
   * one `message-read` tells the crew which. Nothing is sent when nothing was unread.
   */
  async markRead(unitId: string, reportId: string): Promise<Result<number, FeedError>> {
    const now = this.#p.clock.now();
    const unread = this.#p.inbox
      .thread(unitId, reportId)
      .filter((e) => e.direction === 'in' && e.state === 'unread');
    if (unread.length === 0) return ok(0);
    const saved = this.#p.inbox.saveThread(
      unitId,
      unread.map((e) => advance(e, 'read', now)),
    );
    if (!saved.ok) return err(feedError(saved.error));
    this.#p.changed(unitId, reportId);
    const r = this.#p.inbox.report(unitId, reportId);
    // The receipt is a courtesy to the crew: after handover their copy is gone, so none is sent.
    if (r === undefined || r.handedOver || r.status === 'cancelled') return ok(unread.length);
    for (let i = 0; i < unread.length; i += 100) {
      const read = unread.slice(i, i + 100).map((e) => e.threadId);
      const sent = await this.#queue(unitId, unitId, topics.unitInbox(unitId), {
        kind: 'message-read',
        body: { reportId, read, at: new Date(now).toISOString() },
      });
      if (!sent.ok) return sent;
    }
    return ok(unread.length);
  }

  /** The unit acknowledged the envelope of one of our messages: delivered. */
  delivered(envelopeId: string): void {
    const found = this.#p.inbox.threadByEnvelope(envelopeId);
    if (found === undefined) return;
    const next = advance(found.entry, 'delivered', this.#p.clock.now());
    if (next === found.entry) return;
    if (this.#p.inbox.saveThread(found.peer, [next]).ok) this.#p.changed(found.peer, next.reportId);
  }

  /**
   * The ER outcome of a handed-over patient, to the unit (with the note) and, when the report named
   * its dispatch case, to that centre (code, disposition and case only: its KPIs need no more).
   * Sending again corrects it: the same outcome id, the later one replaces the earlier.
   */
  async sendOutcome(
    unitId: string,
    reportId: string,
    input: OutcomeInput,
  ): Promise<Result<OutcomeSent, FeedError>> {
    const r = this.#p.inbox.report(unitId, reportId);
    if (r?.body === undefined) return err(feedError(FEED_ERRORS.permanent.unknownReport));
    if (!r.handedOver) return err(feedError(FEED_ERRORS.permanent.reportClosed));
    const now = this.#p.clock.now();
    const previous = this.#p.inbox.outcome(unitId, reportId);
    const body: OutcomeBody = {
      reportId,
      outcomeId: previous?.outcomeId ?? this.#p.newId(),
      diagnosis: {
        icd10: input.icd10,
        ...(input.diagnosis === undefined || input.diagnosis === '' ? {} : { text: input.diagnosis }),
      },
      disposition: input.disposition,
      ...(input.note === undefined || input.note === '' ? {} : { note: input.note }),
      decidedAt: new Date(now).toISOString(),
    };
    const toUnit = await this.#queue(unitId, unitId, topics.unitInbox(unitId), { kind: 'outcome', body });
    if (!toUnit.ok) return toUnit;
    const record: OutcomeRecord = {
      reportId,
      peer: unitId,
      outcomeId: body.outcomeId,
      icd10: body.diagnosis.icd10,
      ...(body.diagnosis.text === undefined ? {} : { diagnosis: body.diagnosis.text }),
      disposition: body.disposition,
      ...(body.note === undefined ? {} : { note: body.note }),
      decidedAt: now,
      receivedAt: now,
    };
    const saved = this.#p.inbox.saveOutcome(record);
    if (!saved.ok) return err(feedError(saved.error));
    this.#p.changed(unitId, reportId);
    const dispatch = r.body.dispatch;
    if (dispatch === undefined) return ok({ outcome: record, toDispatch: 'no-case' });
    const withoutNote: OutcomeBody = { ...body };
    delete (withoutNote as { note?: string }).note;
    const toCentre = await this.#queue(
      unitId,
      dispatch.dispatchId,
      topics.dispatchInbox(dispatch.dispatchId),
      {
        kind: 'outcome',
        body: { ...withoutNote, case: dispatch },
      },
    );
    if (!toCentre.ok && toCentre.error.code === FEED_ERRORS.permanent.unknownRecipient)
      return ok({ outcome: record, toDispatch: 'unknown-recipient' });
    if (!toCentre.ok) return toCentre;
    return ok({ outcome: record, toDispatch: 'queued' });
  }

  /** Every message about a report counts on the report's stream to its unit, whoever receives it. */
  async #queue(
    unitId: string,
    to: string,
    topic: string,
    message: FeedMessage,
  ): Promise<Result<string, FeedError>> {
    const body = encodeBody(message);
    if (!body.ok) return err(feedError(FEED_ERRORS.permanent.invalidBody, body.error.paths));
    const sequence = this.#p.inbox.saveThread(unitId, [], message.body.reportId);
    if (!sequence.ok) return err(feedError(sequence.error));
    return this.#p.queue(to, topic, message, body.value, sequence.value);
  }
}
