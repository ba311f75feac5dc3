import { EventEmitter } from 'node:events';
import { err, systemClock, type Clock, type Result } from '../core/index.js';
import { silentLogger, type Logger } from '../log/index.js';
import { CardChannel } from './channel.js';
import type { TrustAnchor } from './certificate.js';
import {
  identifyCard,
  readPinTries,
  type CardIdentity,
  type IdentifyRequest,
  type IdentifyStep,
} from './identify.js';
import { channelFailure } from './jpki.js';
import { failure, IdentifyErrorCode, type IdentifyFailure } from './outcomes.js';
import type { BackendEvents, CardTransport, Disposition, ReaderBackend, ReaderState } from './transport.js';

export interface ReaderServiceEvents extends BackendEvents {
  /** Progress of a running identification, for the tablet's "reading card / verifying" display. */
  step: [reader: string, step: IdentifyStep];
}

export interface ReaderServiceOptions {
  readonly trustAnchors: readonly TrustAnchor[];
  readonly clock?: Clock;
  readonly apduTimeoutMs?: number;
  /** Use only readers whose name contains this text. */
  readonly readerName?: string;
  readonly logger?: Logger;
  readonly random?: (length: number) => Uint8Array;
}

const FORWARDED = ['reader-added', 'reader-removed', 'card-inserted', 'card-removed', 'service'] as const;

/**
 * The reader part of the ambulance gateway: card session events and `identify`, over any backend
 * (PC/SC or the in-process emulator). One exclusive session per operation, one operation at a time;
 * a session that verified a PIN ends with a card reset.
 */
export class ReaderService extends EventEmitter<ReaderServiceEvents> {
  readonly #backend: ReaderBackend;
  readonly #options: ReaderServiceOptions;
  readonly #logger: Logger;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(backend: ReaderBackend, options: ReaderServiceOptions) {
    super();
    this.#backend = backend;
    this.#options = options;
    this.#logger = (options.logger ?? silentLogger).child({ part: 'reader' });
    for (const name of FORWARDED) {
      backend.on(name, (...args: unknown[]) => {
        const reader = args[0];
        if (name !== 'service' && typeof reader === 'string' && !this.#wanted(reader)) return;
        (this.emit as (event: string, ...a: unknown[]) => boolean)(name, ...args);
      });
    }
    backend.on('service', (up, reason) => {
      if (up) this.#logger.info('card reader service up', { reason });
      else this.#logger.warn('card reader service recovering', { reason });
    });
  }

  /** Ready when the PC/SC service answers and at least one wanted reader is attached. */
  get ready(): boolean {
    return this.#backend.up && this.readers().length > 0;
  }

  readers(): readonly ReaderState[] {
    return this.#backend.readers().filter((r) => this.#wanted(r.name));
  }

  /** Reads and checks the card on `reader` (or the first reader holding a card). */
  identify(request: IdentifyRequest, reader?: string): Promise<Result<CardIdentity, IdentifyFailure>> {
    return this.#session(reader, async (transport, name) => {
      const channel = new CardChannel(transport, { timeoutMs: this.#timeout() });
      const started = this.#clock().now();
      const run = await identifyCard(channel, request, {
        trustAnchors: this.#options.trustAnchors,
        clock: this.#clock(),
        extendedLength: transport.extendedLength,
        onStep: (step) => this.emit('step', name, step),
        ...(this.#options.random === undefined ? {} : { random: this.#options.random }),
      });
      const fields = { mode: request.mode, apdus: channel.apduCount, ms: this.#clock().now() - started };
      if (run.result.ok) this.#logger.info('card identified', fields);
      else
        this.#logger.warn('card not identified', {
          ...fields,
          code: run.result.error.code,
          detail: run.result.error.detail,
        });
      return { value: run.result, disposition: run.pinVerified ? 'reset' : 'leave' };
    });
  }

  /** Remaining user-auth PIN tries, read without using one. */
  pinTries(reader?: string): Promise<Result<number, IdentifyFailure>> {
    return this.#session(reader, async (transport) => {
      const channel = new CardChannel(transport, { timeoutMs: this.#timeout() });
      return { value: await readPinTries(channel), disposition: 'leave' };
    });
  }

  close(): Promise<void> {
    return this.#backend.close();
  }

  #wanted(name: string): boolean {
    return this.#options.readerName === undefined || name.includes(this.#options.readerName);
  }

  #clock(): Clock {
    return this.#options.clock ?? systemClock;
  }

  #timeout(): number {
    return this.#options.apduTimeoutMs ?? 5_000;
  }

  #session<T>(
    reader: string | undefined,
    body: (
      transport: CardTransport,
      reader: string,
    ) => Promise<{ value: Result<T, IdentifyFailure>; disposition: Disposition }>,
  ): Promise<Result<T, IdentifyFailure>> {
    const run = async (): Promise<Result<T, IdentifyFailure>> => {
      const candidates = this.readers().filter((r) =>
        reader === undefined ? r.cardPresent : r.name === reader,
      );
      const target = candidates[0];
      if (!this.#backend.up)
        return err(failure(IdentifyErrorCode.readerUnavailable, 'PC/SC service not available', 0));
      if (target === undefined) return err(failure(IdentifyErrorCode.noCard, 'no reader holds a card', 0));
      const connected = await this.#backend.connect(target.name);
      if (!connected.ok) {
        const e = channelFailure(connected.error);
        return err(failure(e.code, e.detail, 0));
      }
      try {
        const { value, disposition } = await body(connected.value, target.name);
        await connected.value.end(disposition);
        return value;
      } catch (cause) {
        // A PIN may have been verified before the fault: reset to be safe.
        await connected.value.end('reset');
        throw cause;
      }
    };
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => undefined);
    return next;
  }
}
