/**
 * Messages between the reader service and its pcsclite worker process (Node IPC, JSON). APDUs travel
 * as base64; nothing here is ever logged.
 */
export type WorkerRequest =
  | { readonly type: 'connect'; readonly id: number; readonly reader: string }
  | { readonly type: 'transmit'; readonly id: number; readonly handle: number; readonly apdu: string }
  | { readonly type: 'disconnect'; readonly id: number; readonly handle: number; readonly reset: boolean }
  | { readonly type: 'ping'; readonly id: number };

export type WorkerErrorCode = 'card-removed' | 'reader-unavailable' | 'card-busy' | 'apdu-rejected';

export type WorkerReply =
  | { readonly type: 'reply'; readonly id: number; readonly ok: true; readonly value: string | number }
  | {
      readonly type: 'reply';
      readonly id: number;
      readonly ok: false;
      readonly code: WorkerErrorCode;
      readonly message: string;
    };

export type WorkerEvent =
  | { readonly type: 'started' }
  | { readonly type: 'reader-added'; readonly name: string }
  | { readonly type: 'reader-removed'; readonly name: string }
  | { readonly type: 'card'; readonly name: string; readonly present: boolean; readonly atr: string }
  | { readonly type: 'pong'; readonly id: number; readonly cpuMicros: number };

export type WorkerMessage = WorkerReply | WorkerEvent;

/** Why the worker ended itself; the service re-creates it in every case. */
export const WorkerExit = {
  /** pcscd is not there or stopped answering (SCARD_E_NO_SERVICE and friends). */
  serviceError: 10,
  /** A reader was unplugged: a fresh pcsclite instance is needed to see it again (field-notes.md). */
  readerRemoved: 11,
  /** The binding threw where nothing could catch it. */
  uncaught: 12,
  /** The binding could not be loaded (not installed, or built for another Node). */
  bindingMissing: 13,
} as const;

/** SCARD_* codes (pcsc-lite pcsclite.h) mapped to what the caller does next. */
export const scardCode = (message: string): number | undefined => {
  const match = /0x([0-9a-f]{8})/i.exec(message);
  return match?.[1] === undefined ? undefined : Number.parseInt(match[1], 16);
};

export const classifyScard = (code: number | undefined): WorkerErrorCode => {
  switch (code ?? 0) {
    case 0x80100069: // SCARD_W_REMOVED_CARD
    case 0x8010000c: // SCARD_E_NO_SMARTCARD
    case 0x80100068: // SCARD_W_RESET_CARD
    case 0x80100066: // SCARD_W_UNRESPONSIVE_CARD
    case 0x80100067: // SCARD_W_UNPOWERED_CARD
      return 'card-removed';
    case 0x8010000b: // SCARD_E_SHARING_VIOLATION
      return 'card-busy';
    case 0x80100008: // SCARD_E_INSUFFICIENT_BUFFER: e.g. an extended APDU on a short-only path
    case 0x80100016: // SCARD_E_NOT_TRANSACTED
    case 0x80100004: // SCARD_E_INVALID_PARAMETER
    case 0x80100011: // SCARD_E_INVALID_VALUE
      return 'apdu-rejected';
    default:
      // SCARD_E_NO_SERVICE 0x8010001D, SCARD_E_READER_UNAVAILABLE 0x80100017, unknown: recover the service.
      return 'reader-unavailable';
  }
};
