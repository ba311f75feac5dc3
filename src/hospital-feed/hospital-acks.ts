import { AckBatches, SentAcks, type AckBatch } from './ack-batches.js';
import { sealReceivedAck, type AckSender } from './ack-seal.js';
import type { DeskThreads } from './desk-threads.js';
import type { GroupCommit } from './group-commit.js';
import type { SqliteInboxStore } from './inbox-sqlite.js';
import type { ReceivingPort } from './incoming.js';
import type { Outbox } from './outbox.js';
import { topics } from './topics.js';

/** What the hospital's acknowledgements need from the receiver. */
export interface HospitalAcksPort extends AckSender, Pick<ReceivingPort, 'counters' | 'stopped'> {
  readonly inbox: Pick<SqliteInboxStore, 'redelivered'>;
  /** The inbox's group commit: a redelivery is looked up in turn with the stores it may follow. */
  readonly commit: GroupCommit;
  /** The reply outbox. */
  readonly outbox: Outbox;
  readonly threads: Pick<DeskThreads, 'delivered'>;
  /** Expiry of the envelopes the hospital sends. */
  readonly replyTtlMs: number;
}

/**
 * Acknowledgements on the hospital's side, both ways: the unit's `ack received` ends what the reply
 * outbox sent it, and what a unit sends is acknowledged (signed, through the codec) on the unit's
 * inbox once stored, batched per unit and sent again for every copy.
 */
export class HospitalAcks {
  readonly #p: HospitalAcksPort;
  readonly #batches = new AckBatches();
  readonly #sent = new SentAcks();

  constructor(port: HospitalAcksPort) {
    this.#p = port;
  }

  /** The unit acknowledges what the desk sent; only the unit it went to may end it. */
  received(from: string, of: readonly string[]): void {
    for (const id of of) {
      const entry = this.#p.outbox.get(id);
      if (entry === undefined || entry.to !== from) continue;
      this.#p.outbox.acknowledge(entry.messageId);
      if (entry.kind === 'message') this.#p.threads.delivered(entry.messageId);
    }
  }

  /**
   * The codec refused `messageId` as a replay. True when it is a message stored before: it is
   * acknowledged again and nothing is shown.
   */
  async replayed(messageId: string): Promise<boolean> {
    if (this.#ackAgain(messageId)) {
      this.#p.counters.duplicate();
      return true;
    }
    return this.#redelivered(messageId);
  }

  /**
   * Signed acknowledgement of receipt; sent again for every duplicate, so a lost one is repaired.
   * Gathered per unit until the event loop has handled what arrived together, then sealed as one
   * `ack received` on the stream (and with the sequence the inbox reserved) of its first message.
   */
  acknowledge(unitId: string, reportId: string, of: string, sequence: number): void {
    if (this.#ackAgain(of)) return;
    const { full, first } = this.#batches.add(unitId, reportId, of, sequence);
    if (full !== undefined) void this.#send(unitId, full);
    else if (first) setImmediate(() => this.#flush());
  }

  /**
   * A QoS 1 redelivery or an outbox retry of a message already stored: the codec refuses it as a
   * replay, so the unit's acknowledgement was lost; acknowledge again, show nothing.
   */
  async #redelivered(messageId: string): Promise<boolean> {
    const known = await this.#p.commit.run(() => this.#p.inbox.redelivered(messageId));
    if (this.#p.stopped()) return true;
    if (!known.ok || known.value === undefined) return false;
    const { unitId, reportId, ackSequence } = known.value;
    this.#p.counters.duplicate();
    this.acknowledge(unitId, reportId, messageId, ackSequence);
    return true;
  }

  /** A replay of a message acknowledged before: the same acknowledgement again, nothing signed or stored. */
  #ackAgain(messageId: string): boolean {
    const sent = this.#sent.find(messageId, this.#p.clock.now());
    if (sent === undefined) return false;
    void this.#p.link.publish(topics.unitInbox(sent.to), sent.bytes);
    return true;
  }

  #flush(): void {
    const due = this.#batches.take();
    if (this.#p.stopped()) return;
    for (const [unitId, batch] of due) void this.#send(unitId, batch);
  }

  async #send(unitId: string, batch: AckBatch): Promise<void> {
    const ids = [...batch.of];
    const expiresAt = this.#p.clock.now() + this.#p.replyTtlMs;
    const sealed = await sealReceivedAck(this.#p, {
      to: unitId,
      reportId: batch.reportId,
      of: ids,
      sequence: batch.sequence,
      expiresAt,
    });
    if (sealed === undefined) return;
    this.#sent.remember(ids, { to: unitId, bytes: sealed.bytes, expiresAt });
    await this.#p.link.publish(topics.unitInbox(unitId), sealed.bytes);
  }
}
