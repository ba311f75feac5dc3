import type { EventEmitter } from 'node:events';
import type { Result } from '../core/index.js';

/**
 * The port between the reader logic and whatever carries APDUs: PC/SC (pcsclite in a child process)
 * in production, the card emulator in-process for the demo and unit tests. Both implement these.
 */
export const TransportErrorCode = {
  /** The card left the field or was pulled out (SCARD_W_REMOVED_CARD, SCARD_E_NO_SMARTCARD). */
  cardRemoved: 'card-removed',
  /** The card did not answer within the per-APDU timeout. */
  timeout: 'apdu-timeout',
  /** pcscd, the reader or the binding is gone; the service is recovering. */
  readerUnavailable: 'reader-unavailable',
  /** Another application holds the card (SCARD_E_SHARING_VIOLATION). */
  cardBusy: 'card-busy',
  /** The reader refused this APDU (e.g. an extended APDU on a short-only reader); the card is still there. */
  rejected: 'apdu-rejected',
} as const;
export type TransportErrorCode = (typeof TransportErrorCode)[keyof typeof TransportErrorCode];

export interface TransportError {
  readonly code: TransportErrorCode;
  /** Fixed text or a PC/SC code; never APDU data. */
  readonly message: string;
}

/** How a session ends: `reset` after a PIN was verified, so the verified state never outlives it. */
export type Disposition = 'leave' | 'reset';

/** One card session, exclusive to us from connect to end. */
export interface CardTransport {
  /** Whether the reader path may carry extended-length APDUs; `false` = never try, `true` = try, fall back. */
  readonly extendedLength: boolean;
  transmit(apdu: Uint8Array): Promise<Result<Uint8Array, TransportError>>;
  end(disposition: Disposition): Promise<void>;
}

export interface ReaderState {
  readonly name: string;
  readonly cardPresent: boolean;
  /** Answer-to-reset of the present card, upper-case hex. */
  readonly atr?: string;
}

export interface BackendEvents {
  'reader-added': [name: string];
  'reader-removed': [name: string];
  'card-inserted': [reader: string, atr: string];
  'card-removed': [reader: string];
  /** The PC/SC service became usable (true) or is being recovered (false). */
  service: [up: boolean, reason: string];
}

/** A source of readers and card sessions. */
export interface ReaderBackend extends EventEmitter<BackendEvents> {
  readonly up: boolean;
  readers(): readonly ReaderState[];
  connect(reader: string): Promise<Result<CardTransport, TransportError>>;
  close(): Promise<void>;
}
