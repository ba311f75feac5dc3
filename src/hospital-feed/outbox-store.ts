import { ok, type Result } from '../core/index.js';
import type { StorageErrorCode } from './errors.js';
import { isTerminal, type OutboxEntry } from './outbox-state.js';
import type { ReportRecord } from './report-state.js';
import type { OutcomeRecord, ThreadEntry } from './thread-state.js';

/** A conversation message with the principal on the other side (the unit: the report's hospital). */
export interface PeerEntry {
  readonly peer: string;
  readonly entry: ThreadEntry;
}

/**
 * An incoming message (from the hospital) whose effect a write applies. Its id is the ambulance's
 * replay check: recorded in the same commit as the report change, so "seen" and "applied" are one.
 */
export interface AppliedMessage {
  readonly messageId: string;
  readonly reportId: string;
  /** The principal that sent it (proven by its signature when it was first opened). */
  readonly from: string;
  readonly receivedAt: number;
}

/**
 * The idempotency key of a crew's form (issue 12, R4): stored in the same commit as the report it
 * made, so "accepted" and "this form was used" are one fact, and a re-post of the form after a lost
 * response finds the report instead of making a second one.
 */
export interface FormKey {
  readonly key: string;
  readonly reportId: string;
  readonly at: number;
}

/** One atomic write: all of it is stored, or none of it. */
export interface OutboxChange {
  readonly entries?: readonly OutboxEntry[];
  readonly reports?: readonly ReportRecord[];
  readonly applied?: readonly AppliedMessage[];
  /** Forgets applied message ids received before this time (no copy of them can be accepted any more). */
  readonly forgetAppliedBefore?: number;
  readonly formKeys?: readonly FormKey[];
  /** Forgets form keys stored before this time (a form that old is never posted again). */
  readonly forgetFormKeysBefore?: number;
  /** Conversation messages stored or moved on (sent, delivered, read), with the change they came with. */
  readonly threads?: readonly PeerEntry[];
  /** Conversations deleted with their patient's data (handover): nothing of them stays on the tablet. */
  readonly dropThreads?: readonly { readonly peer: string; readonly reportId: string }[];
  /** Outcomes received (one per report: a later one replaces it). */
  readonly outcomes?: readonly OutcomeRecord[];
  /** Deletes outcomes received before this time: the crew's configured period is over. */
  readonly forgetOutcomesBefore?: number;
  /**
   * `disk` (the default): on disk before `write` returns. `process`: kept across a crash of the
   * process, not of the machine, until the next `disk` write carries it to disk (SQLite WAL with
   * synchronous NORMAL). Only for a change whose loss repeats work and loses nothing: acknowledgements
   * (the entry is sent again, and the recipient de-duplicates and acknowledges it again).
   */
  readonly durability?: 'disk' | 'process';
}

/**
 * The outbox's storage port (SQLite in production, memory for tests and the demo's throwaway runs).
 * Both implementations pass one contract suite (test/hospital-feed/outbox-store.contract.ts).
 * An entry written with a terminal transport leaves the store: its ciphertext is no longer needed.
 */
export interface OutboxStore {
  write(change: OutboxChange): Result<void, StorageErrorCode>;
  entry(messageId: string): OutboxEntry | undefined;
  /** Entries not yet terminal, oldest first. */
  live(): readonly OutboxEntry[];
  report(reportId: string): ReportRecord | undefined;
  reports(): readonly ReportRecord[];
  /** The incoming message applied under this id, `undefined` if none (or forgotten). */
  applied(messageId: string): AppliedMessage | undefined;
  /** The report a form key made, `undefined` if the key was never used (or forgotten). */
  formKey(key: string): FormKey | undefined;
  /** One report's conversation, in no particular order. */
  thread(peer: string, reportId: string): readonly ThreadEntry[];
  /** The outgoing message an envelope carried (for its `ack received`: delivered). */
  threadByEnvelope(envelopeId: string): PeerEntry | undefined;
  /** Outcomes held, newest received first. */
  outcomes(): readonly OutcomeRecord[];
  close(): void;
}

export class MemoryOutboxStore implements OutboxStore {
  readonly #entries = new Map<string, OutboxEntry>();
  readonly #reports = new Map<string, ReportRecord>();
  readonly #applied = new Map<string, AppliedMessage>();
  readonly #formKeys = new Map<string, FormKey>();
  readonly #threads = new Map<string, PeerEntry>();
  readonly #outcomes = new Map<string, OutcomeRecord>();

  write(change: OutboxChange): Result<void, StorageErrorCode> {
    for (const e of change.entries ?? []) {
      if (isTerminal(e.transport)) this.#entries.delete(e.messageId);
      else this.#entries.set(e.messageId, { ...e, bytes: Uint8Array.from(e.bytes) });
    }
    for (const r of change.reports ?? []) this.#reports.set(r.reportId, r);
    const before = change.forgetAppliedBefore;
    if (before !== undefined)
      for (const [id, m] of this.#applied) if (m.receivedAt < before) this.#applied.delete(id);
    for (const m of change.applied ?? []) this.#applied.set(m.messageId, m);
    const keysBefore = change.forgetFormKeysBefore;
    if (keysBefore !== undefined)
      for (const [key, k] of this.#formKeys) if (k.at < keysBefore) this.#formKeys.delete(key);
    // The first use of a key stands: a key names one report, never two.
    for (const k of change.formKeys ?? []) if (!this.#formKeys.has(k.key)) this.#formKeys.set(k.key, k);
    for (const t of change.threads ?? []) this.#threads.set(threadKey(t.peer, t.entry), t);
    for (const d of change.dropThreads ?? [])
      for (const [key, t] of this.#threads)
        if (t.peer === d.peer && t.entry.reportId === d.reportId) this.#threads.delete(key);
    const outcomesBefore = change.forgetOutcomesBefore;
    if (outcomesBefore !== undefined)
      for (const [key, o] of this.#outcomes) if (o.receivedAt < outcomesBefore) this.#outcomes.delete(key);
    for (const o of change.outcomes ?? []) this.#outcomes.set(`${o.peer}\n${o.reportId}`, o);
    return ok(undefined);
  }

  entry(messageId: string): OutboxEntry | undefined {
    return this.#entries.get(messageId);
  }

  live(): readonly OutboxEntry[] {
    return [...this.#entries.values()].sort((a, b) => a.createdAt - b.createdAt || a.sequence - b.sequence);
  }

  report(reportId: string): ReportRecord | undefined {
    return this.#reports.get(reportId);
  }

  reports(): readonly ReportRecord[] {
    return [...this.#reports.values()];
  }

  applied(messageId: string): AppliedMessage | undefined {
    return this.#applied.get(messageId);
  }

  formKey(key: string): FormKey | undefined {
    return this.#formKeys.get(key);
  }

  thread(peer: string, reportId: string): readonly ThreadEntry[] {
    return [...this.#threads.values()]
      .filter((t) => t.peer === peer && t.entry.reportId === reportId)
      .map((t) => t.entry);
  }

  threadByEnvelope(envelopeId: string): PeerEntry | undefined {
    return [...this.#threads.values()].find((t) => t.entry.envelopeId === envelopeId);
  }

  outcomes(): readonly OutcomeRecord[] {
    return [...this.#outcomes.values()].sort((a, b) => b.receivedAt - a.receivedAt);
  }

  /** Nothing to release: the memory store lives as long as the object. */
  close(): void {
    return undefined;
  }
}

const threadKey = (peer: string, e: ThreadEntry): string =>
  `${peer}\n${e.reportId}\n${e.threadId}\n${e.direction}`;
