import type { Clock, Result } from '../core/index.js';
import { err, ok } from '../core/index.js';
import { feedError, FEED_ERRORS, type FeedError } from './errors.js';
import type { FeedMessage } from './messages.js';
import type { OutboxChange, OutboxStore } from './outbox-store.js';
import { isOpen, type ReportRecord } from './report-state.js';
import {
  advance,
  bodyOf,
  byTime,
  incomingEntry,
  type OutcomeRecord,
  type ThreadContent,
  type ThreadEntry,
} from './thread-state.js';

/** The part of a store write a conversation message or an outcome adds to its report's write. */
export type ThreadChange = Pick<OutboxChange, 'threads' | 'outcomes' | 'forgetOutcomesBefore'>;

/** What the unit's conversation needs from the ambulance feed. */
export interface UnitThreadsPort {
  readonly store: OutboxStore;
  readonly clock: Clock;
  readonly newId: () => string;
  /** How long the crew sees a hospital's outcome (configuration `outcomes.retentionHours`). */
  readonly outcomeRetentionMs: number;
  report(reportId: string): ReportRecord | undefined;
  /**
   * Seals `message` on the report's stream (its next sequence) and stores the envelope, the report's
   * new sequence and `extra(envelopeId)` in one durable write, in turn with the feed's other sends.
   */
  queue(
    reportId: string,
    message: FeedMessage,
    extra: (envelopeId: string) => ThreadChange,
  ): Promise<Result<string, FeedError>>;
  changed(reportId: string): void;
}

type Incoming = Extract<FeedMessage, { kind: 'message' | 'message-read' | 'outcome' }>;

/**
 * The crew's side of the conversation with the ER of a report's destination, and the outcomes that
 * come back after handover. A conversation exists while its report is open; at handover it is deleted
 * with the patient's other data. An outcome is kept for the configured period, then deleted.
 */
export class UnitThreads {
  readonly #p: UnitThreadsPort;

  constructor(port: UnitThreadsPort) {
    this.#p = port;
  }

  /** One report's conversation, in the order sent. */
  thread(reportId: string): readonly ThreadEntry[] {
    const r = this.#p.report(reportId);
    return r === undefined ? [] : [...this.#p.store.thread(r.hospitalId, reportId)].sort(byTime);
  }

  /** Messages from the ER the crew has not been shown yet, per report. */
  unread(reportId: string): number {
    return this.thread(reportId).filter((e) => e.direction === 'in' && e.state === 'unread').length;
  }

  /** Outcomes still within the crew's period, newest first (older ones are never returned). */
  outcomes(): readonly OutcomeRecord[] {
    const since = this.#p.clock.now() - this.#p.outcomeRetentionMs;
    return this.#p.store.outcomes().filter((o) => o.receivedAt >= since);
  }

  /** Deletes outcomes past the crew's period; returns whether the write succeeded. */
  purge(): Result<void, FeedError> {
    const written = this.#p.store.write({
      forgetOutcomesBefore: this.#p.clock.now() - this.#p.outcomeRetentionMs,
    });
    return written.ok ? ok(undefined) : err(feedError(written.error));
  }

  /** A message to the ER of an open report; stored with its envelope in one write before it is "sent". */
  async send(reportId: string, content: ThreadContent): Promise<Result<ThreadEntry, FeedError>> {
    const r = this.#p.report(reportId);
    if (r === undefined) return err(feedError(FEED_ERRORS.permanent.unknownReport));
    if (!isOpen(r)) return err(feedError(FEED_ERRORS.permanent.reportClosed));
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
    let stored = entry;
    const queued = await this.#p.queue(reportId, { kind: 'message', body: bodyOf(entry) }, (envelopeId) => {
      stored = { ...entry, envelopeId };
      return { threads: [{ peer: r.hospitalId, entry: stored }] };
    });
    if (!queued.ok) return queued;
    this.#p.changed(reportId);
    return ok(stored);
  }

  /**
   * The crew's screen showed the conversation: unread messages become read, in the same write as the
   * `message-read` that tells the ER. Nothing is sent when nothing was unread or the report is closed.
   */
  async markRead(reportId: string): Promise<Result<number, FeedError>> {
    const r = this.#p.report(reportId);
    if (r === undefined || !isOpen(r)) return ok(0);
    const now = this.#p.clock.now();
    const read = this.thread(reportId)
      .filter((e) => e.direction === 'in' && e.state === 'unread')
      .slice(0, 100)
      .map((e) => advance(e, 'read', now));
    const first = read[0];
    if (first === undefined) return ok(0);
    const queued = await this.#p.queue(
      reportId,
      {
        kind: 'message-read',
        body: {
          reportId,
          read: [first.threadId, ...read.slice(1).map((e) => e.threadId)],
          at: new Date(now).toISOString(),
        },
      },
      () => ({ threads: read.map((entry) => ({ peer: r.hospitalId, entry })) }),
    );
    if (!queued.ok) return queued;
    this.#p.changed(reportId);
    return ok(read.length);
  }

  /** The hospital acknowledged the envelope of one of our messages: delivered. */
  delivered(envelopeId: string): void {
    const found = this.#p.store.threadByEnvelope(envelopeId);
    if (found === undefined) return;
    const next = advance(found.entry, 'delivered', this.#p.clock.now());
    if (next === found.entry) return;
    if (this.#p.store.write({ threads: [{ peer: found.peer, entry: next }] }).ok)
      this.#p.changed(next.reportId);
  }

  /**
   * What a message from the report's hospital adds to the write that records it as applied. A message
   * about a closed report is applied as nothing (its conversation is gone), but still acknowledged.
   */
  incoming(r: ReportRecord, message: Incoming, now: number): ThreadChange {
    switch (message.kind) {
      case 'message': {
        if (!isOpen(r)) return {};
        const known = this.#p.store
          .thread(r.hospitalId, r.reportId)
          .some((e) => e.direction === 'in' && e.threadId === message.body.threadId);
        return known ? {} : { threads: [{ peer: r.hospitalId, entry: incomingEntry(message.body, now) }] };
      }
      case 'message-read': {
        const read = new Set(message.body.read);
        return {
          threads: this.#p.store
            .thread(r.hospitalId, r.reportId)
            .filter((e) => e.direction === 'out' && read.has(e.threadId))
            .map((e) => ({ peer: r.hospitalId, entry: advance(e, 'read', now) })),
        };
      }
      case 'outcome': {
        const b = message.body;
        const decidedAt = Date.parse(b.decidedAt);
        const held = this.#p.store.outcomes().find((o) => o.reportId === r.reportId);
        // A correction replaces the outcome; an older copy arriving late does not.
        if (held !== undefined && held.decidedAt > decidedAt) return {};
        return {
          outcomes: [
            {
              reportId: r.reportId,
              peer: r.hospitalId,
              outcomeId: b.outcomeId,
              icd10: b.diagnosis.icd10,
              ...(b.diagnosis.text === undefined ? {} : { diagnosis: b.diagnosis.text }),
              disposition: b.disposition,
              ...(b.note === undefined ? {} : { note: b.note }),
              decidedAt,
              receivedAt: now,
            },
          ],
          forgetOutcomesBefore: now - this.#p.outcomeRetentionMs,
        };
      }
      default:
        return message satisfies never;
    }
  }
}
