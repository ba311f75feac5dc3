import { ACK_BATCH_MAX } from './messages.js';

/** Acknowledgements kept for replays: far more than the reports a desk sees in a day, ~1 KiB each. */
export const ACKS_KEPT = 10_000;

/**
 * One `ack received` being gathered for a unit: it goes on the stream (and with the sequence the
 * inbox reserved) of its first message, and names every message added to it.
 */
export interface AckBatch {
  readonly reportId: string;
  readonly sequence: number;
  readonly of: ReadonlySet<string>;
}

/**
 * Acknowledgements not yet signed, by the unit they go to: what one commit stored from one unit is
 * acknowledged in one envelope (one signature, one seal), up to ACK_BATCH_MAX ids (the schema's
 * bound on `of`); one more starts the unit's next batch.
 */
export class AckBatches {
  readonly #open = new Map<string, { reportId: string; sequence: number; of: Set<string> }>();

  /**
   * Adds `of` to its unit's batch, or starts one. `full`: the batch this closed, to be sent now.
   * `first`: this started the first batch since the last `take`, so a `take` is to be scheduled.
   */
  add(
    unitId: string,
    reportId: string,
    of: string,
    sequence: number,
  ): { readonly full?: AckBatch; readonly first: boolean } {
    const open = this.#open.get(unitId);
    if (open !== undefined && open.of.size < ACK_BATCH_MAX) {
      open.of.add(of);
      return { first: false };
    }
    const first = open === undefined && this.#open.size === 0;
    this.#open.set(unitId, { reportId, sequence, of: new Set([of]) });
    return open === undefined ? { first } : { full: open, first };
  }

  /** Every batch still open, by unit; none is left open. */
  take(): readonly (readonly [unitId: string, batch: AckBatch])[] {
    const due = [...this.#open];
    this.#open.clear();
    return due;
  }
}

/** A signed acknowledgement as it was sent. */
export interface SentAck {
  readonly to: string;
  readonly bytes: Uint8Array;
  readonly expiresAt: number;
}

/**
 * The sealed acknowledgement of each message, by the id it acknowledges, so a replay (or a QoS 1
 * redelivery) is answered with the same bytes: without it every copy an attacker replays would
 * cost a signature and an inbox write. Bounded; the oldest is forgotten first.
 */
export class SentAcks {
  readonly #byMessage = new Map<string, SentAck>();
  readonly #limit: number;

  constructor(limit = ACKS_KEPT) {
    this.#limit = limit;
  }

  remember(messageIds: Iterable<string>, ack: SentAck): void {
    for (const id of messageIds) {
      this.#byMessage.set(id, ack);
      if (this.#byMessage.size > this.#limit)
        this.#byMessage.delete(this.#byMessage.keys().next().value as string);
    }
  }

  /** The acknowledgement sent for `messageId`, unless it has expired by `now`. */
  find(messageId: string, now: number): SentAck | undefined {
    const sent = this.#byMessage.get(messageId);
    return sent === undefined || sent.expiresAt <= now ? undefined : sent;
  }
}
