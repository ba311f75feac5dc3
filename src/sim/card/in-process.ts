import { EventEmitter } from 'node:events';
import { err, ok, type Result } from '../../core/index.js';
import {
  TransportErrorCode,
  type BackendEvents,
  type CardTransport,
  type ReaderBackend,
  type ReaderState,
  type TransportError,
} from '../../reader/index.js';
import type { EmulatedCard } from './card.js';
import { CardSlot } from './slot.js';

export const IN_PROCESS_READER = 'Emulated My Number Card reader (in-process)';

const removed: TransportError = { code: TransportErrorCode.cardRemoved, message: 'card removed' };

/**
 * A reader with the emulated card, in the same process: the same ReaderBackend port as PC/SC, for
 * the demo and unit tests (no pcscd). Cards are inserted and removed by calling `insert`/`remove`.
 */
export class InProcessReader extends EventEmitter<BackendEvents> implements ReaderBackend {
  #slot: CardSlot | undefined;
  #busy = false;
  readonly #extendedLength: boolean;

  constructor(options: { readonly extendedLength?: boolean } = {}) {
    super();
    this.#extendedLength = options.extendedLength ?? true;
  }

  readonly up = true;

  readers(): readonly ReaderState[] {
    const present = this.#slot !== undefined && !this.#slot.removed;
    return [
      {
        name: IN_PROCESS_READER,
        cardPresent: present,
        ...(present && this.#slot !== undefined
          ? { atr: Buffer.from(this.#slot.card.atr).toString('hex').toUpperCase() }
          : {}),
      },
    ];
  }

  insert(card: EmulatedCard): void {
    card.reset();
    this.#slot = new CardSlot(card);
    this.emit('card-inserted', IN_PROCESS_READER, Buffer.from(card.atr).toString('hex').toUpperCase());
  }

  remove(): void {
    if (this.#slot === undefined) return;
    this.#slot = undefined;
    this.emit('card-removed', IN_PROCESS_READER);
  }

  connect(reader: string): Promise<Result<CardTransport, TransportError>> {
    const slot = this.#slot;
    if (reader !== IN_PROCESS_READER || slot === undefined || slot.removed)
      return Promise.resolve(err(removed));
    if (this.#busy)
      return Promise.resolve(err({ code: TransportErrorCode.cardBusy, message: 'session already open' }));
    this.#busy = true;
    slot.card.reset();
    const transport: CardTransport = {
      extendedLength: this.#extendedLength,
      transmit: async (apdu) => {
        if (this.#slot !== slot) return err(removed);
        const answer = await slot.answer(apdu);
        if (answer.kind === 'removed') {
          this.remove();
          return err(removed);
        }
        return ok(answer.bytes);
      },
      end: (disposition) => {
        this.#busy = false;
        if (disposition === 'reset') slot.card.reset();
        return Promise.resolve();
      },
    };
    return Promise.resolve(ok(transport));
  }

  close(): Promise<void> {
    this.remove();
    return Promise.resolve();
  }
}
