import { err, ok, type Result } from '../core/index.js';
import { command, parseResponse, type ApduError, type CommandApdu, type ResponseApdu } from './apdu.js';
import { TransportErrorCode, type CardTransport, type TransportError } from './transport.js';

export type ChannelError = TransportError | ApduError;

export interface ChannelOptions {
  /** Per-APDU timeout; the session is abandoned after one. */
  readonly timeoutMs: number;
}

/** GET RESPONSE (ISO 7816-4 §7.6.1), sent after 61xx. */
const getResponse = (le: number): CommandApdu => ({ cla: 0x00, ins: 0xc0, p1: 0, p2: 0, le });

/** Bounds 61xx chains, so a card that keeps answering 61xx cannot hold the session forever. */
const MAX_CHAINED = 64;

/**
 * APDU exchange over a transport: counts every APDU on the wire, applies the per-APDU timeout, follows
 * 61xx with GET RESPONSE and resends once with the right Le after 6Cxx (ISO 7816-3 §12.2.1, 7816-4 §5.1.3).
 */
export class CardChannel {
  #apdus = 0;
  #broken: TransportError | undefined;

  constructor(
    private readonly transport: CardTransport,
    private readonly options: ChannelOptions,
  ) {}

  /** APDUs sent so far, GET RESPONSE and resends included. */
  get apduCount(): number {
    return this.#apdus;
  }

  get extendedLength(): boolean {
    return this.transport.extendedLength;
  }

  async send(c: CommandApdu): Promise<Result<ResponseApdu, ChannelError>> {
    let first = await this.#exchange(command(c));
    if (!first.ok) return first;
    if (first.value.status.kind === 'wrong-le') {
      first = await this.#exchange(command({ ...c, le: first.value.status.exact }));
      if (!first.ok) return first;
    }
    let response = first.value;
    const chunks: Uint8Array[] = [response.data];
    for (let i = 0; response.status.kind === 'more-data'; i++) {
      if (i >= MAX_CHAINED) break;
      const next = await this.#exchange(command(getResponse(response.status.available)));
      if (!next.ok) return next;
      response = next.value;
      chunks.push(response.data);
    }
    if (chunks.length === 1) return ok(response);
    return ok({ ...response, data: Buffer.concat(chunks) });
  }

  async #exchange(apdu: Uint8Array): Promise<Result<ResponseApdu, ChannelError>> {
    if (this.#broken !== undefined) return err(this.#broken);
    this.#apdus++;
    const result = await this.#withTimeout(this.transport.transmit(apdu));
    if (!result.ok) {
      if (result.error.code !== TransportErrorCode.rejected) this.#broken = result.error;
      return result;
    }
    return parseResponse(result.value);
  }

  #withTimeout<T>(pending: Promise<Result<T, TransportError>>): Promise<Result<T, TransportError>> {
    return new Promise((resolve) => {
      const timer = setTimeout(
        () =>
          resolve(
            err({
              code: TransportErrorCode.timeout,
              message: `no answer within ${this.options.timeoutMs} ms`,
            }),
          ),
        this.options.timeoutMs,
      );
      pending.then(
        (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        (cause: unknown) => {
          clearTimeout(timer);
          resolve(err({ code: TransportErrorCode.readerUnavailable, message: String(cause) }));
        },
      );
    });
  }
}
