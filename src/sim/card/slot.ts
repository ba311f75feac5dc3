import { setTimeout as sleep } from 'node:timers/promises';
import type { EmulatedCard } from './card.js';

export type SlotAnswer =
  { readonly kind: 'response'; readonly bytes: Uint8Array } | { readonly kind: 'removed' };

/**
 * A card in a reader's field: applies the transport-level faults (per-APDU latency, removal at the
 * N-th APDU since insertion) around the card's own answers. Shared by the vpcd and in-process transports.
 */
export class CardSlot {
  #apdus = 0;
  #removed = false;

  constructor(readonly card: EmulatedCard) {}

  get removed(): boolean {
    return this.#removed;
  }

  /** APDUs received since insertion, the one that triggered a removal included. */
  get apdus(): number {
    return this.#apdus;
  }

  async answer(apdu: Uint8Array): Promise<SlotAnswer> {
    if (this.#removed) return { kind: 'removed' };
    this.#apdus++;
    const { removeAtApdu, latencyMs } = this.card.faults;
    if (removeAtApdu !== undefined && this.#apdus >= removeAtApdu) {
      this.#removed = true;
      return { kind: 'removed' };
    }
    if (latencyMs !== undefined && latencyMs > 0) await sleep(latencyMs);
    return { kind: 'response', bytes: this.card.process(apdu) };
  }
}
