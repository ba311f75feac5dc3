import { ok, type Result } from '../core/index.js';
import type { StorageErrorCode } from './errors.js';
import { isTerminal, type OutboxEntry } from './outbox-state.js';
import type { ReportRecord } from './report-state.js';

/** One atomic write: all of it is stored, or none of it. */
export interface OutboxChange {
  readonly entries?: readonly OutboxEntry[];
  readonly reports?: readonly ReportRecord[];
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
  close(): void;
}

export class MemoryOutboxStore implements OutboxStore {
  readonly #entries = new Map<string, OutboxEntry>();
  readonly #reports = new Map<string, ReportRecord>();

  write(change: OutboxChange): Result<void, StorageErrorCode> {
    for (const e of change.entries ?? []) {
      if (isTerminal(e.transport)) this.#entries.delete(e.messageId);
      else this.#entries.set(e.messageId, { ...e, bytes: Uint8Array.from(e.bytes) });
    }
    for (const r of change.reports ?? []) this.#reports.set(r.reportId, r);
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

  /** Nothing to release: the memory store lives as long as the object. */
  close(): void {
    return undefined;
  }
}
