import { sealReceivedAck, type AckSender } from './ack-seal.js';
import type { StorageFailure } from './errors.js';
import type { ReceivingPort } from './incoming.js';
import type { Outbox } from './outbox.js';
import type { OutboxStore } from './outbox-store.js';
import { onTransport, type ReportRecord } from './report-state.js';
import { topics } from './topics.js';
import type { UnitReports } from './unit-reports.js';
import type { UnitThreads } from './unit-threads.js';

/** What the unit's acknowledgements need from the ambulance feed. */
export interface UnitAcksPort extends AckSender, Pick<ReceivingPort, 'counters'>, StorageFailure {
  readonly store: OutboxStore;
  readonly outbox: Outbox;
  readonly reports: UnitReports;
  readonly threads: Pick<UnitThreads, 'delivered'>;
  /** Expiry of the acknowledgements the unit sends. */
  readonly defaultTtlMs: number;
}

/**
 * Acknowledgements on the unit's side, both ways: the hospital's `ack received` ends what the outbox
 * sent it, and what the hospital sends is acknowledged (signed) once applied, again for each copy.
 */
export class UnitAcks {
  readonly #p: UnitAcksPort;

  constructor(port: UnitAcksPort) {
    this.#p = port;
  }

  /**
   * The hospital's `ack received`: only the hospital an envelope went to can end it. False when it
   * names an envelope sent to someone else (nothing of it is taken then).
   */
  received(from: string, of: readonly string[]): boolean {
    const { outbox, reports } = this.#p;
    if (of.some((id) => (outbox.get(id)?.to ?? from) !== from)) return false;
    for (const id of of) {
      const entry = outbox.get(id);
      if (entry !== undefined) {
        outbox.acknowledge(id);
        if (entry.kind === 'message') this.#p.threads.delivered(id);
        continue;
      }
      // Acknowledged after the crew was told `expired` (clock skew): the hospital has it after all.
      const r = reports.withLatest(id);
      if (r === undefined || r.hospitalId !== from || r.latest !== 'expired') continue;
      const next = onTransport(r, id, 'acknowledged', this.#p.clock.now());
      if (this.#p.store.write({ reports: [next] }).ok) reports.record(next);
    }
    return true;
  }

  /**
   * A QoS 1 redelivery or a retry from the hospital's outbox of a message already applied: our
   * acknowledgement was lost, so acknowledge again (on the next stream sequence) and change nothing.
   */
  redelivered(messageId: string): boolean {
    const known = this.#p.store.applied(messageId);
    if (known === undefined) return false;
    const r = this.#p.reports.get(known.reportId);
    if (r === undefined || r.hospitalId !== known.from) return false;
    this.#p.counters.duplicate();
    const next = { ...r, sequence: r.sequence + 1 };
    const written = this.#p.store.write({ reports: [next] });
    if (!written.ok) {
      // Not acknowledged: the hospital sends it again and we try again.
      this.#p.failed(written.error);
      return true;
    }
    this.#p.reports.record(next);
    void this.acknowledge(next, messageId);
    return true;
  }

  /** Signs `ack received` of one applied message, on the report's stream at its current sequence. */
  async acknowledge(r: ReportRecord, of: string): Promise<void> {
    const sealed = await sealReceivedAck(this.#p, {
      to: r.hospitalId,
      reportId: r.reportId,
      of: [of],
      sequence: r.sequence,
      expiresAt: this.#p.clock.now() + this.#p.defaultTtlMs,
    });
    if (sealed === undefined) return;
    // Best effort: if it is lost the hospital sends again and we acknowledge again.
    await this.#p.link.publish(topics.hospitalInbox(r.hospitalId), sealed.bytes);
  }
}
