/**
 * The part of the `pcsclite` binding (node-pcsclite 1.0) the worker uses, typed locally so nothing
 * else depends on the binding's own declarations.
 */
export interface PcscStatus {
  readonly state: number;
  readonly atr?: Buffer;
}

export interface PcscReader {
  readonly name: string;
  readonly SCARD_SHARE_EXCLUSIVE: number;
  readonly SCARD_STATE_PRESENT: number;
  readonly SCARD_STATE_MUTE: number;
  readonly SCARD_LEAVE_CARD: number;
  readonly SCARD_RESET_CARD: number;
  on(event: 'status', listener: (status: PcscStatus) => void): this;
  on(event: 'end', listener: () => void): this;
  on(event: 'error', listener: (error: unknown) => void): this;
  connect(options: { share_mode: number }, callback: (error: unknown, protocol: number) => void): void;
  transmit(
    data: Buffer,
    maxResponse: number,
    protocol: number,
    callback: (error: unknown, response: Buffer) => void,
  ): void;
  disconnect(disposition: number, callback: (error: unknown) => void): void;
  close(): void;
}

export interface PcscContext {
  on(event: 'reader', listener: (reader: PcscReader) => void): this;
  on(event: 'error', listener: (error: unknown) => void): this;
  close(): void;
}

export type PcscFactory = () => PcscContext;
